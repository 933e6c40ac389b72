/**
 * Where the gateway reads the time for what depends on it (rights that expire, `now` of the management actions).
 * The server takes one as an option so that a test can move "now" past an expiry without sleeping; each request
 * reads it once, so everything one request answers is as of one instant.
 */
export type Clock = () => Date;

export const systemClock: Clock = () => new Date();
