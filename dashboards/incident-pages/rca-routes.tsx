import { Hono } from 'hono';
import { ApproveRcaInput, approveRca, RcaInput, writeRca } from '../../incidents/index.ts';
import type { DashboardEnv } from '../http.tsx';
import { field, parseForm } from '../http.tsx';
import { act, lines, optionalVersion } from './forms.tsx';

/** One why a line: "question => answer". */
function parseFiveWhys(form: Record<string, unknown>) {
  return lines(form, 'fiveWhys').map((line) => {
    const [question = '', ...answer] = line.split('=>');
    return { question: question.trim(), answer: answer.join('=>').trim() };
  });
}

/** The root-cause analysis panel's forms: write (or revise) the analysis, approve it. */
export const rcaRoutes = new Hono<DashboardEnv>()
  .post('/:ref/rca', (c) =>
    act(c, 'rca', (reference, form) =>
      writeRca(
        c.var.ctx,
        reference,
        parseForm(RcaInput, {
          summary: field(form, 'summary'),
          impact: field(form, 'impact'),
          rootCauses: lines(form, 'rootCauses'),
          contributingFactors: lines(form, 'contributingFactors'),
          fiveWhys: parseFiveWhys(form),
          lessonsLearned: field(form, 'lessonsLearned'),
          expectedVersion: optionalVersion(form),
        }),
      ),
    ),
  )
  .post('/:ref/rca/approve', (c) =>
    act(c, 'rca_approved', (reference, form) =>
      approveRca(c.var.ctx, reference, parseForm(ApproveRcaInput, { expectedVersion: optionalVersion(form) })),
    ),
  );
