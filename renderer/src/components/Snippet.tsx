/** A search snippet: each part a text node, the matches in <mark>. Never parsed as HTML. */
export function Snippet({ parts }: { parts: { text: string; match: boolean }[] }) {
  return (
    <>
      {parts.map((p, i) => (p.match ? <mark key={i}>{p.text}</mark> : <span key={i}>{p.text}</span>))}
    </>
  );
}
