/** Names of the fleet's keys and channel under one prefix (one fleet per prefix). */
export interface RedisKeys {
  /** The pub/sub channel every instance of the fleet publishes its changes on. */
  readonly channel: string;
  /** A deployment's cooldown: its reason, expiring (PX) when the cooldown ends. */
  cooldown(id: string): string;
  /** A deployment's calls / failures in one second (a hash: c, f, k:<kind>), expiring after a minute. */
  health(id: string, second: number): string;
  /** A deployment's requests and tokens in one minute (a hash: r, t), expiring after it. */
  usage(id: string, minute: number): string;
  /** One instance's attempts in flight (a hash: deployment → count), expiring unless its holder refreshes it. */
  leases(instance: string): string;
  /** SCAN pattern of every instance's lease hash. */
  readonly leasesPattern: string;
  /** The instance a lease hash key belongs to. */
  instanceOf(leasesKey: string): string;
}

export function redisKeys(prefix: string): RedisKeys {
  const leasesPrefix = `${prefix}leases:`;
  return {
    channel: `${prefix}fleet`,
    cooldown: (id) => `${prefix}cooldown:${id}`,
    health: (id, second) => `${prefix}health:${id}:${second}`,
    usage: (id, minute) => `${prefix}usage:${id}:${minute}`,
    leases: (instance) => `${leasesPrefix}${instance}`,
    leasesPattern: `${leasesPrefix}*`,
    instanceOf: (key) => key.slice(leasesPrefix.length),
  };
}
