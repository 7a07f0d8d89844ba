// The outbound-URL guard moved to packages/egress so the Statuspage importer shares it.
export * from '@upstate/egress/guard';
