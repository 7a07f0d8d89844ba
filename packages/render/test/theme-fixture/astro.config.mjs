import { defineTheme } from '@upstate/theme-base';

export default defineTheme({ name: 'fixture', config: import.meta.url });
