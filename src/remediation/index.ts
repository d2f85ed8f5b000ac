// Public surface of the remediation layer for the composition root and the CLI.
export { createRemediation, type RemediationDeps, type RemediationService, type BrainProposal } from './service';
export { createExecutor, type Executor, type ExecutorDeps } from './executors';
export { Catalog, validateParams, render, renderPrecondition } from './catalog';
export { createProposal, proposalHash, integrityProblem, proposalKey, type ProposalDraft } from './proposals';
export type { Directory, ProposalView, RemediationNotifier } from './port';
export type { Actor, Remediation } from './port';
export { auditCommand } from '../cli/audit';
