/** Where GHL lives unless configured otherwise: shared by the option parser and its usage text. */
export const DEFAULT_BASE_URL = 'https://services.leadconnectorhq.com';
export const DEFAULT_AUTH_URL = 'https://marketplace.gohighlevel.com';
export const DEFAULT_REDIRECT_URI = 'http://localhost:3737/callback';
