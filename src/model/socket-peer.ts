import type { Nanos } from "../engine/time.js";
import { cpu, type Op, syscall } from "./ops.js";
import type { Runtime } from "./runtime.js";
import type { SimThread } from "./thread.js";
import { WaitQueue } from "./wait-queue.js";

/**
 * The peer process at the other end of a thread's socket (a client, or a server it talks to):
 * its own interpreter and GIL, one thread that sleeps in recv() until a message arrives, spends
 * the message's CPU, and replies. One peer per thread, started at the thread's first exchange.
 */
class Peer {
  private readonly inbox: Nanos[] = [];
  private readonly reading = new WaitQueue("peer-recv");
  readonly replies = new WaitQueue("socket-recv");
  replied = false;
  /** The message the thread's send() in progress carries: the peer's CPU for it. */
  private outgoing: Nanos = 0;

  constructor(private readonly rt: Runtime) {}

  /** A send() on this socket (either end): its system call, whose effect `then` lands as it returns. */
  send(then: () => void): Op {
    const world = this.rt.world;
    return syscall(world.draw(world.params.socketSend, "socket-send"), then);
  }

  /** The thread's send() of a message costing the peer `ns`: delivered as the call returns. */
  sendFromThread(ns: Nanos): Op {
    this.outgoing = ns;
    return this.send(this.delivered);
  }

  /** A recv() woken by a message: socketWakeup after the writer's send() returned. */
  private wake(queue: WaitQueue): void {
    queue.wakeOne(this.rt.world.draw(this.rt.world.params.socketWakeup, "socket-wakeup"));
  }

  /** The thread's message lands in the peer's socket and wakes its recv(). */
  private readonly delivered = (): void => {
    this.inbox.push(this.outgoing);
    this.wake(this.reading);
  };

  /** The reply lands in the thread's socket as the peer's send() returns, and wakes its recv(). */
  private readonly reply = (): void => {
    this.replied = true;
    this.wake(this.replies);
  };

  *program(): Generator<Op, void, boolean | undefined> {
    for (;;) {
      while (this.inbox.length === 0) yield { op: "wait", on: this.reading, state: "io" };
      yield cpu(this.inbox.shift() as Nanos);
      // send() of the reply, its own CPU: then it lands in the thread's socket and wakes its recv().
      yield this.send(this.reply);
    }
  }
}

const peers = new WeakMap<SimThread, Peer>();

function peerOf(rt: Runtime, thread: SimThread): Peer {
  let peer = peers.get(thread);
  if (!peer) {
    peer = new Peer(rt);
    peers.set(thread, peer);
    const proc = rt.addProcess(`peer-of-${thread.name}`);
    rt.spawn(proc, `${proc.name}/MainThread`, "process-worker", peer.program());
  }
  return peer;
}

/**
 * One exchange over a socket (Modules/socketmodule.c: every send and recv runs inside
 * Py_BEGIN_ALLOW_THREADS): send() drops the GIL for the system call (socketSend: on loopback the
 * kernel delivers the message and wakes the peer within the call) and takes it back, after any
 * waiter the drop woke and that took the GIL meanwhile; recv()
 * drops the GIL and sleeps until the peer's reply wakes it (a socket, not a timer: no timer slack),
 * then takes the GIL back, behind whoever holds it (the convoy effect, bpo-7946).
 */
export function* socketExchange(
  rt: Runtime,
  thread: SimThread,
  peerNs: Nanos,
): Generator<Op, void, boolean | undefined> {
  const peer = peerOf(rt, thread);
  const world = rt.world;
  yield peer.sendFromThread(peerNs);
  // recv(): a reply that landed while this thread waited to take the GIL back after send() is
  // read at once (socketRecv: a system call that does not sleep, the GIL dropped and taken back);
  // else it sleeps.
  if (peer.replied) yield cpu(world.draw(world.params.socketRecv, "socket-recv"), "nogil");
  while (!peer.replied) yield { op: "wait", on: peer.replies, state: "io" };
  peer.replied = false;
}
