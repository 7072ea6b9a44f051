// The benchmark's table: one row per fault (plus one per variant when a fault has several), then
// the overall line, which must stay the last line of the output. Aborted journeys (the harness
// could not drive them; see verdicts.mjs) are shown in their own column and left out of the
// attributed share and the journey count, since they measured nothing.

const pct = (part, whole) => (whole === 0 ? '—' : ((100 * part) / whole).toFixed(1));

function row(label, results) {
  const measured = results.filter((r) => !r.aborted);
  const attributed = measured.filter((r) => r.attributed).length;
  const duplicates = measured.reduce((sum, r) => sum + r.duplicateClicks, 0);
  const leads = measured.filter((r) => r.leadBound).length;
  return { label, journeys: measured.length, aborted: results.length - measured.length, attributed, pct: pct(attributed, measured.length), leads, duplicates };
}

/**
 * @param {Array<{fault: {key: string, label: string, variants?: string[]}, available: boolean, why?: string}>} faults
 * @param {Array<{fault: string, variant?: string, aborted: boolean, attributed: boolean, duplicateClicks: number}>} results
 */
export function formatReport(faults, results) {
  const rows = [];
  for (const { fault, available, why } of faults) {
    if (!available) {
      rows.push({ label: fault.label, note: why });
      continue;
    }
    const mine = results.filter((r) => r.fault === fault.key);
    if (mine.length === 0) continue;
    rows.push(row(fault.label, mine));
    if (fault.variants) for (const v of fault.variants) rows.push(row(`  · ${v}`, mine.filter((r) => r.variant === v)));
  }
  const width = Math.max(...rows.map((r) => r.label.length), 'fault'.length);
  const lines = [
    `${'fault'.padEnd(width)}  journeys  sale attributed     lead bound  duplicate clicks  aborted`,
    `${'-'.repeat(width)}  --------  ------------------  ----------  ----------------  -------`,
  ];
  for (const r of rows) {
    if (r.note) {
      lines.push(`${r.label.padEnd(width)}  ${r.note}`);
      continue;
    }
    const share = `${r.attributed}/${r.journeys} = ${r.pct}%`;
    lines.push(`${r.label.padEnd(width)}  ${String(r.journeys).padStart(8)}  ${share.padEnd(18)}  ${`${pct(r.leads, r.journeys)}%`.padStart(10)}  ${String(r.duplicates).padStart(16)}  ${String(r.aborted).padStart(7)}`);
  }
  const all = row('overall', results);
  lines.push(`overall: ${all.pct}% attributed, ${all.duplicates} duplicate clicks over ${all.journeys} journeys`);
  return lines.join('\n');
}
