import { Fragment, type ReactNode } from 'react';

/**
 * The small Markdown the server's setup guides use (packages/pine/src/guide.ts), as React
 * elements: `#`/`##` headings, numbered and bulleted lists, pipe tables, paragraphs, and inline
 * `code` and **bold**. No HTML is ever parsed, so nothing in the text can inject markup.
 * `headingLevel` is the level a `#` heading becomes (the page already has its h1).
 */
export function Markdown({ text, headingLevel = 2 }: { text: string; headingLevel?: 2 | 3 }) {
  return (
    <div className="markdown">{blocks(text).map((block, i) => renderBlock(block, i, headingLevel))}</div>
  );
}

type Block =
  | { kind: 'heading'; depth: number; text: string }
  | { kind: 'ol' | 'ul'; items: string[] }
  | { kind: 'table'; head: string[]; rows: string[][] }
  | { kind: 'p'; text: string };

function cells(line: string): string[] {
  return line
    .trim()
    .replace(/^\||\|$/g, '')
    .split('|')
    .map((cell) => cell.trim());
}

function blocks(text: string): Block[] {
  const out: Block[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const heading = /^(#{1,6})\s+(.*)$/.exec(line);
    if (heading) {
      out.push({ kind: 'heading', depth: heading[1]!.length, text: heading[2]! });
      continue;
    }
    const list = /^(\d+\.|-)\s+(.*)$/.exec(line);
    if (list) {
      const kind = list[1] === '-' ? 'ul' : 'ol';
      const last = out.at(-1);
      if (last && last.kind === kind) last.items.push(list[2]!);
      else out.push({ kind, items: [list[2]!] });
      continue;
    }
    if (line.trim().startsWith('|')) {
      const head = cells(line);
      const rows: string[][] = [];
      while (i + 1 < lines.length && lines[i + 1]!.trim().startsWith('|')) {
        i += 1;
        if (/^\|?[\s:|-]+\|?$/.test(lines[i]!.trim())) continue; // the |---| separator
        rows.push(cells(lines[i]!));
      }
      out.push({ kind: 'table', head, rows });
      continue;
    }
    if (line.trim()) out.push({ kind: 'p', text: line.trim() });
  }
  return out;
}

function renderBlock(block: Block, key: number, headingLevel: number): ReactNode {
  switch (block.kind) {
    case 'heading': {
      const level = Math.min(6, headingLevel + block.depth - 1);
      const Tag = `h${level}` as 'h2';
      return <Tag key={key}>{inline(block.text)}</Tag>;
    }
    case 'ol':
    case 'ul': {
      const List = block.kind;
      return (
        <List key={key}>
          {block.items.map((item, i) => (
            <li key={i}>{inline(item)}</li>
          ))}
        </List>
      );
    }
    case 'table':
      return (
        <div key={key} className="table-wrap" tabIndex={0} role="region" aria-label={block.head.join(' · ')}>
          <table>
            <thead>
              <tr>
                {block.head.map((cell, i) => (
                  <th key={i} scope="col">
                    {inline(cell)}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {block.rows.map((row, r) => (
                <tr key={r}>
                  {row.map((cell, i) => (
                    <td key={i}>{inline(cell)}</td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      );
    case 'p':
      return <p key={key}>{inline(block.text)}</p>;
  }
}

/** `code` and **bold** inside a line. */
function inline(text: string): ReactNode {
  const parts = text.split(/(`[^`]+`|\*\*[^*]+\*\*)/g);
  return parts.map((part, i) => {
    if (part.startsWith('`') && part.endsWith('`') && part.length > 1)
      return <code key={i}>{part.slice(1, -1)}</code>;
    if (part.startsWith('**') && part.endsWith('**') && part.length > 3)
      return <strong key={i}>{part.slice(2, -2)}</strong>;
    return <Fragment key={i}>{part}</Fragment>;
  });
}
