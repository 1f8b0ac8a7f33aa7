// The prelude's first field: the whole message's length (big-endian uint32), itself included.
const lengthBytes = 4;
// Prelude (12 bytes) and message CRC (4): no message is shorter. AWS caps a message at 16 MiB.
const minMessageBytes = 16;
const maxMessageBytes = 16 * 1024 * 1024;

/**
 * Cuts an `application/vnd.amazon.eventstream` body, pushed as the network cut it, into whole
 * messages, for `EventStreamCodec.decode` (which checks both CRCs and parses the headers). Only the
 * prelude's length is read here: `@smithy`'s own chunker is an async generator, and the exchange
 * delivers each chunk in the tick its bytes arrive, so that the stream clocks see it at once.
 *
 * @example
 * const splitter = new EventStreamSplitter();
 * for (const message of splitter.push(bytes)) codec.decode(message);
 */
export class EventStreamSplitter {
  private buffered: Buffer = Buffer.alloc(0);
  private corrupt: Error | undefined;

  /**
   * Why the body became unreadable (a prelude announcing an impossible length), once it did. The
   * whole messages before that prelude are handed over first: what the network delivered in the
   * same packet as the corruption must not depend on where the packet was cut.
   */
  get failure(): Error | undefined {
    return this.corrupt;
  }

  /** Bytes of a message not yet whole: a body that ends with some was cut short. */
  get pending(): number {
    return this.buffered.length;
  }

  /**
   * The messages `bytes` completes, in order, up to a prelude announcing an impossible length (see
   * `failure`). Throws when that prelude is the first thing left to read.
   */
  push(bytes: Buffer): Buffer[] {
    if (this.corrupt !== undefined) throw this.corrupt;
    let data = this.buffered.length === 0 ? bytes : Buffer.concat([this.buffered, bytes]);
    const messages: Buffer[] = [];
    while (data.length >= lengthBytes) {
      const length = data.readUInt32BE(0);
      if (length < minMessageBytes || length > maxMessageBytes) {
        this.corrupt = new Error(`event stream message of ${length} bytes (expected ${minMessageBytes} to ${maxMessageBytes})`);
        if (messages.length === 0) throw this.corrupt;
        break;
      }
      if (data.length < length) break;
      messages.push(data.subarray(0, length));
      data = data.subarray(length);
    }
    // A copy, so that the network's (possibly pooled) buffer is not held on to for a few bytes.
    this.buffered = data.length === 0 ? Buffer.alloc(0) : Buffer.from(data);
    return messages;
  }
}
