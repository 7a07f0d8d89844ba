import { defineTheme } from '@upstate/theme-base';

export default defineTheme({ name: 'default', config: import.meta.url });
