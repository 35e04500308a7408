import type { PublicNotice } from '../../incidents/index.ts';

// Self-contained (no shared assets or scripts): the page must read well on a phone on any connection.
const STYLE = `
  :root { color-scheme: light dark; --accent: #1f4e8c; --rule: #d5dae1; --soft: #f3f5f8; }
  @media (prefers-color-scheme: dark) { :root { --accent: #8fb5ec; --rule: #3a3f47; --soft: #1d2127; } }
  * { box-sizing: border-box; }
  body { margin: 0; font: 17px/1.6 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", sans-serif; background: Canvas; color: CanvasText; -webkit-text-size-adjust: 100%; }
  header.letterhead { border-bottom: 3px solid var(--accent); background: var(--soft); }
  header.letterhead div { max-width: 40rem; margin: 0 auto; padding: 0.9rem 1rem; font-weight: 650; font-size: 1.05rem; letter-spacing: 0.01em; }
  main { max-width: 40rem; margin: 0 auto; padding: 1.25rem 1rem 3rem; }
  h1 { font-size: 1.5rem; line-height: 1.3; margin: 0.75rem 0 0.25rem; }
  h2 { font-size: 1.1rem; margin: 1.75rem 0 0.25rem; color: var(--accent); border-top: 1px solid var(--rule); padding-top: 1rem; }
  p { margin: 0.5rem 0; overflow-wrap: anywhere; }
  .published { color: GrayText; font-size: 0.9rem; margin-bottom: 1.5rem; }
  .preview { background: #fff4d6; color: #5c4400; border: 1px solid #e8c66a; padding: 0.5rem 0.75rem; border-radius: 4px; font-size: 0.95rem; }
  footer { max-width: 40rem; margin: 0 auto; padding: 0 1rem 2rem; color: GrayText; font-size: 0.85rem; }
  @media (max-width: 30rem) { body { font-size: 16px; } h1 { font-size: 1.3rem; } }
  @media print {
    :root { color-scheme: light; }
    body { font: 11pt/1.5 Georgia, "Times New Roman", serif; background: #fff; color: #000; }
    header.letterhead { background: none; border-bottom: 2pt solid #000; }
    main, header.letterhead div, footer { max-width: none; padding-left: 0; padding-right: 0; }
    h2 { color: #000; break-after: avoid; }
    section { break-inside: avoid; }
    .preview { display: none; }
  }
`;

function Paragraphs(props: { text: string }) {
  return (
    <>
      {props.text
        .split(/\n{2,}/)
        .filter((paragraph) => paragraph.trim())
        .map((paragraph) => (
          <p>
            {paragraph.split('\n').map((line, index) => (
              <>
                {index > 0 ? <br /> : null}
                {line}
              </>
            ))}
          </p>
        ))}
    </>
  );
}

function Page(props: { lang: string; title: string; organization?: string | null; children: unknown }) {
  return (
    <html lang={props.lang}>
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="robots" content="noindex, nofollow" />
        <meta name="referrer" content="no-referrer" />
        <title>{props.title}</title>
        {/* A constant written here, not text: escaped, its quotes would break the rules. */}
        <style dangerouslySetInnerHTML={{ __html: STYLE }} />
      </head>
      <body>
        {props.organization ? (
          <header class="letterhead">
            <div>{props.organization}</div>
          </header>
        ) : null}
        <main>{props.children}</main>
      </body>
    </html>
  );
}

/** A recipient's breach notice: the organisation's name, the letter and its publication date, nothing else. */
export function NoticePage(props: { notice: PublicNotice; organization?: string | null; preview?: boolean }) {
  const { notice } = props;
  const published = new Date(notice.publishedAt).toLocaleDateString(notice.language, {
    year: 'numeric',
    month: 'long',
    day: 'numeric',
    timeZone: 'UTC',
  });
  return (
    <Page lang={notice.language} title={notice.subject} organization={props.organization}>
      {props.preview ? (
        <p class="preview">Preview: this is how the recipient's page and e-mail will read once the notice is sent.</p>
      ) : null}
      <article>
        <h1>{notice.subject}</h1>
        <p class="published">
          <time datetime={notice.publishedAt}>{published}</time>
        </p>
        <p>{notice.greeting}</p>
        {notice.sections.map((section) => (
          <section>
            <h2>{section.heading}</h2>
            <Paragraphs text={section.body} />
          </section>
        ))}
      </article>
    </Page>
  );
}

export function NoticeNotFoundPage() {
  return (
    <Page lang="en" title="Notice not found">
      <h1>Notice not found</h1>
      <p>There is no notice at this address. Check that the link was copied completely.</p>
    </Page>
  );
}
