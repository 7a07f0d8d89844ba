// The pinned transport moved to packages/egress with the guard it serves.
export * from '@upstate/egress/transport';
