/** Moves a wire simulator's price through its control surface, as an outside test driver would. */
export async function setSimPrice(url: string, symbol: string, price: string): Promise<void> {
  const response = await fetch(`${url}/__sim/price`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ symbol, price }),
  });
  if (!response.ok) throw new Error(`set price failed: ${response.status} ${await response.text()}`);
}
