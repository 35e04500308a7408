import type { PublicNotice } from '../../incidents/index.ts';

// Self-contained (no shared assets or scripts): the page must read well on a phone on any connection.
const STYLE = `
  :root { color-scheme: light dark; }
  body { margin: 0; font: 17px/1.6 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; background: Canvas; color: CanvasText; }
  main { max-width: 40rem; margin: 0 auto; padding: 1.25rem 1rem 3rem; }
  h1 { font-size: 1.45rem; line-height: 1.3; margin: 0.5rem 0 0.25rem; }
  h2 { font-size: 1.1rem; margin: 1.75rem 0 0.25rem; }
  p { margin: 0.5rem 0; overflow-wrap: anywhere; }
  .published { color: GrayText; font-size: 0.9rem; margin-bottom: 1.5rem; }
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

function Page(props: { lang: string; title: string; children: unknown }) {
  return (
    <html lang={props.lang}>
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="robots" content="noindex, nofollow" />
        <meta name="referrer" content="no-referrer" />
        <title>{props.title}</title>
        <style>{STYLE}</style>
      </head>
      <body>
        <main>{props.children}</main>
      </body>
    </html>
  );
}

/** A recipient's breach notice: the letter and its publication date, nothing else. */
export function NoticePage(props: { notice: PublicNotice }) {
  const { notice } = props;
  const published = new Date(notice.publishedAt).toLocaleDateString(notice.language, {
    year: 'numeric',
    month: 'long',
    day: 'numeric',
    timeZone: 'UTC',
  });
  return (
    <Page lang={notice.language} title={notice.subject}>
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
