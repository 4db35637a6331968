/**
 * How many bits of surprise a secret carries, estimated from the text alone: its Shannon entropy
 * per character times its length, after folding a repeated unit to one copy (`changemechangeme`
 * counts as `changeme`). A secret drawn at random scores close to its real strength (64 random hex
 * characters ≈ 240 bits); a word, a repeated character or a short pattern scores little. It does
 * not know dictionaries: it only catches the trivially weak secrets people type by hand.
 */
export function estimatedSecretBits(secret: string): number {
  const text = shortestRepeatedUnit(secret);
  const counts = new Map<string, number>();
  for (const char of text) counts.set(char, (counts.get(char) ?? 0) + 1);
  const length = [...text].length;
  let bitsPerChar = 0;
  for (const count of counts.values()) {
    const p = count / length;
    bitsPerChar -= p * Math.log2(p);
  }
  return bitsPerChar * length;
}

/** The shortest prefix whose repetition makes up the text (the text itself when none does). */
function shortestRepeatedUnit(text: string): string {
  for (let unit = 1; unit <= text.length / 2; unit++) {
    if (text.length % unit !== 0) continue;
    const head = text.slice(0, unit);
    if (head.repeat(text.length / unit) === text) return head;
  }
  return text;
}

/**
 * What production asks of SECRET_KEY, ENCRYPTION_KEY and WEBHOOK_SECRET: 128 estimated bits. What
 * `tradingbot keys generate` prints (32 random bytes each) scores 178–245 over 20,000 draws, and so
 * does `openssl rand -hex 32`; 16 random bytes as hex (95–128) and typed passphrases
 * (`MySuperSecretPassword2024!` ≈ 107) are refused.
 */
export const MIN_SECRET_BITS = 128;
