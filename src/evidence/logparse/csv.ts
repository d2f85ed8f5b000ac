// Comma-separated rows: PostgreSQL's csvlog (time first) and an Event Viewer export (level, then time).
// The level is the row's level column; the text is its other non-empty fields, quotes removed.

/** The fields of a CSV row from `from` on (at most `max`), with `""` read as a quote; `open` when a quote is left open. */
export function csvFields(s: string, from: number, max = 40): { fields: string[]; open: boolean } {
  const fields: string[] = [];
  let i = from;
  while (i <= s.length && fields.length < max) {
    if (s.charCodeAt(i) === 34 /* " */) {
      let v = '';
      let j = i + 1;
      for (;;) {
        const q = s.indexOf('"', j);
        if (q < 0) {
          fields.push(v + s.slice(j));
          return { fields, open: true };
        }
        v += s.slice(j, q);
        if (s.charCodeAt(q + 1) === 34) {
          v += '"';
          j = q + 2;
          continue;
        }
        j = q + 1;
        break;
      }
      fields.push(v);
      i = j + 1; // past the comma
      continue;
    }
    const c = s.indexOf(',', i);
    fields.push(s.slice(i, c < 0 ? s.length : c));
    if (c < 0) break;
    i = c + 1;
  }
  return { fields, open: false };
}

/** Whether a row's text leaves a quoted field open: the lines after it continue that field. */
export function quoteOpen(text: string, open: boolean): boolean {
  let n = 0;
  for (let i = text.indexOf('"'); i >= 0; i = text.indexOf('"', i + 1)) n++;
  return n % 2 === 1 ? !open : open;
}
