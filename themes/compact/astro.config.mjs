import { defineTheme } from '@upstate/theme-base';

export default defineTheme({ name: 'compact', config: import.meta.url });
