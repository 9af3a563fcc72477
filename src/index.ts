export const version = 'v1.33.0-berth';
