// Every number of the hardware model in one place, each with its source (docs/hardware-model.md repeats them
// in a table). Marks as in PORCUPINE.md: [seed] the project's source document, [spec] a 1999 data sheet or
// standard, [calibrated] derived from a single-node row of the paper and nothing else, [ours] a modelling
// choice where the paper is silent. Nothing here was tuned to a multi-node figure (PORCUPINE.md's
// calibration discipline): those are predictions.

/** CPU costs are given for this clock and scale with 1/clock (the paper's CPUs are one family: Pentium II). */
export const REFERENCE_MHZ = 300;

/**
 * CPU time per kind of step at 300 MHz before calibration, ms [ours: order-of-magnitude priors for Linux 2.2
 * on a Pentium II]: a connection with its SMTP dialogue up to RCPT (accept, dispatch, HELO/MAIL/RCPT parsing),
 * DATA (headers parsed, body received), a POP command, a POP login's crypt(), the end of a connection, one
 * RPC handled (TCP receive + unmarshal + handler + the send it triggers), replication work on top of that for
 * a replication message (log upkeep, version comparison), the completion of one synchronous write
 * (write + fsync syscalls), a timer, and copying: moving one KB through kernel and user space once.
 * Only their proportions matter: CPU_SCALE sets the magnitude.
 */
export const CPU_MS_300_PRIOR = {
  smtpSession: 1.5,
  smtpData: 1.0,
  popCommand: 0.5,
  passwordCheck: 1.5,
  sessionEnd: 0.2,
  rpc: 0.4,
  replicationWork: 0.3,
  persistDone: 0.3,
  timer: 0.05,
  perKb: 0.03,
} as const;

/**
 * Scale of every CPU cost [calibrated]: from the single-node row "with replication, CPU 12% and disk 75%
 * busy", i.e. a replicated delivery's CPU time is 0.16 × its disk time (docs/hardware-model.md).
 */
export const CPU_SCALE = 1.71;

/** The CPU costs the model charges: priors × CPU_SCALE. */
export const CPU_MS_300: { readonly [K in keyof typeof CPU_MS_300_PRIOR]: number } = Object.fromEntries(
  Object.entries(CPU_MS_300_PRIOR).map(([k, v]) => [k, v * CPU_SCALE]),
) as { [K in keyof typeof CPU_MS_300_PRIOR]: number };

/** A disk as its data sheet describes it. */
export interface DiskSpec {
  readonly kind: 'ide' | 'scsi' | 'infinite';
  /** Average seek, ms. */
  readonly seekMs: number;
  /** Spindle speed; the average rotational latency is half a turn. */
  readonly rpm: number;
  /** Sustained media transfer rate, MB/s (10^6 bytes). */
  readonly transferMBps: number;
}

/** Time to put the head over a block: average seek plus half a rotation, ms. */
export function positionMs(d: DiskSpec): number {
  return d.kind === 'infinite' ? 0 : d.seekMs + 30_000 / d.rpm;
}

/**
 * Positioned operations per synchronous durable write [calibrated]: a file append with fsync on ext2
 * writes the data block, the inode and the directory/bitmap blocks, not all in one place. From the
 * single-node row "1 IDE disk: 23 messages/s" (docs/hardware-model.md, "Calibration").
 */
export const POSITIONED_OPS_PER_SYNC_WRITE = 2.76;

/**
 * 1999 commodity IDE disk of the 300/350 MHz nodes [spec: 5,400 rpm class, e.g. IBM Deskstar / Quantum
 * Fireball: 9.5 ms average seek, 5.56 ms half rotation, ~10 MB/s sustained].
 */
export const IDE_DISK: DiskSpec = { kind: 'ide', seekMs: 9.5, rpm: 5_400, transferMBps: 10 };

/**
 * SCSI disk: 10,000 rpm and 20 MB/s [spec: a 1999 10k-rpm disk, e.g. Seagate Cheetah 9LP], seek
 * [calibrated] from the single-node row "300 MHz, 1 IDE + 2 SCSI: 105 messages/s" given the IDE disk above
 * (the two SCSI disks supply the other ≈ 82 messages/s): 5.27 ms, against the data sheet's 5.4 ms.
 */
export const SCSI_DISK: DiskSpec = { kind: 'scsi', seekMs: 5.27, rpm: 10_000, transferMBps: 20 };

/** "Infinitely fast" disks: every write durable at once (experiment 2). */
export const INFINITE_DISK: DiskSpec = { kind: 'infinite', seekMs: 0, rpm: Infinity, transferMBps: Infinity };

/** Bytes a durable write puts on the platter besides a message body (record header, log entry) [ours]. */
export const WRITE_HEADER_BYTES = 256;

/** The shared, unswitched Gigabit Ethernet segment [seed: 1 Gb/s, not switched; spec: IEEE 802.3z]. */
export const ETHERNET = {
  bitsPerSecond: 1e9,
  /** TCP payload per frame (1500-byte MTU − IP and TCP headers). */
  payloadPerFrameBytes: 1460,
  /** Per frame: preamble+SFD 8, MAC header 14, FCS 4, inter-frame gap 12, IP 20, TCP 20. */
  frameOverheadBytes: 78,
  /** Half-duplex Gigabit Ethernet pads a frame to a 512-byte slot (carrier extension, 802.3z §35). */
  minFrameBytes: 512,
  /** TCP sends one ACK frame per two data frames (delayed ACK, RFC 1122 §4.2.3.2). */
  dataFramesPerAck: 2,
  /** Propagation, NIC and stack latency of one message, ms [ours]. */
  latencyMs: 0.1,
  /** Bytes of framing around one RPC (length prefix, HMAC, DESIGN.md §7) beyond its JSON. */
  rpcFramingBytes: 36,
} as const;

/** SMTP/POP protocol bytes of one client exchange besides a body (commands, replies, TCP setup) [ours]. */
export const CLIENT_EXCHANGE_BYTES = 120;

/** The paper's workload [seed] with our choices where it is silent [ours]. */
export const WORKLOAD = {
  usersPerNode: 160_000,
  popFraction: 0.1,
  /** Zipf exponent of recipient popularity [ours: classic Zipf, s = 1]. */
  zipfExponent: 1,
  meanBodyBytes: 4_700,
  maxBodyBytes: 1 << 20,
  /** Log-normal shape of body sizes [ours: median ≈ 2 KB, the tail carries the mean to 4.7 KB]. */
  bodySigma: 1.3,
  /** Concurrent client sessions per node: enough to keep every node's disk queue non-empty [ours]. */
  clientsPerNode: 16,
  /** POP clients of 1999 download everything and delete it on the server [ours]. */
  deleteProbability: 1,
  retrievesPerSessionMax: 1_000,
} as const;
