import { SignupForm } from './signup-form';

export default function Home() {
  return (
    <main>
      <h1>Shop (App Router)</h1>
      <SignupForm />
    </main>
  );
}
