/** As the migration's check: letters, digits and . _ : / + -, optionally ending in '*' (a family). */
export const MODEL_NAME = /^[A-Za-z0-9][A-Za-z0-9._:/+-]{0,127}\*?$/;
