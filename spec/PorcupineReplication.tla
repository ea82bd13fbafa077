------------------------- MODULE PorcupineReplication -------------------------
(***************************************************************************)
(* Replication of one mailbox object (one message of one user) in a        *)
(* Porcupine cluster (PORCUPINE.md "Replication"; docs/replication.md):    *)
(* update anywhere, the whole object pushed by the replica that took the   *)
(* update (its coordinator), last-writer-wins ordered by (timestamp, node),*)
(* acknowledgements counted towards the SMTP 250 (AckReplicas durable      *)
(* copies, the coordinator's own among them; its push leaves in parallel   *)
(* with its own write), deletes as tombstones, tombstones collected once   *)
(* every replica holds them, and faults: crashes (soft state lost, hard    *)
(* state kept) and message loss, until the faults stop.                    *)
(*                                                                         *)
(* Model-checked only (spec/MCPorcupineReplication.tla); no refinement     *)
(* mapping from simulator traces yet (docs/spec.md "Limits").              *)
(***************************************************************************)
EXTENDS Naturals, FiniteSets

CONSTANTS
    Nodes,        \* replica nodes, as numbers (the node order breaks timestamp ties)
    AckReplicas,  \* durable copies before the SMTP 250 / a confirmed delete
    MaxTs         \* bound on timestamps (small models)

VARIABLES
    hard,       \* hard[n]: the version node n holds durably, or NoVersion
    pend,       \* pend[n]: the version n wrote as coordinator that is not durable yet, or NoVersion (soft)
    lost,       \* versions whose coordinator lost its own write in a crash and has not had them back
    clock,      \* clock[n]: node n's hybrid logical clock (the last timestamp it issued or saw)
    up,         \* the nodes running
    net,        \* messages in flight (a set: a duplicate is the same message; loss removes it)
    acks,       \* acks[n]: nodes known to hold n's current version durably (soft state: lost in a crash)
    acked,      \* history: the message got its SMTP 250
    confirmed,  \* history: a delete of the message was confirmed to the user
    sawTomb,    \* history: the nodes that ever held the tombstone durably
    created,    \* the message was written once (one object per model)
    faults      \* faults may still happen; FaultsStop ends them for good

vars == <<hard, pend, lost, clock, up, net, acks, acked, confirmed, sawTomb, created, faults>>

Kinds == {"msg", "tomb"}
NoVersion == [ts |-> 0, node |-> 0, kind |-> "none"]
Versions == [ts : 1..MaxTs, node : Nodes, kind : Kinds] \cup {NoVersion}

\* LWW order (src/pure/replication/lww.ts applyIfNewer): timestamp, then node.
Newer(a, b) == a.ts > b.ts \/ (a.ts = b.ts /\ a.node > b.node)

Push(from, to, v) == [type |-> "push", from |-> from, to |-> to, v |-> v]
Msgs == {Push(f, t, v) : f \in Nodes, t \in Nodes, v \in Versions}

\* The version node n serves: its write in flight if any (applied in memory at once), else its durable one.
Cur(n) == IF pend[n] # NoVersion THEN pend[n] ELSE hard[n]

Max(a, b) == IF a > b THEN a ELSE b

TypeOK ==
    /\ hard \in [Nodes -> Versions]
    /\ pend \in [Nodes -> Versions]
    /\ lost \subseteq Versions
    /\ clock \in [Nodes -> 0..MaxTs]
    /\ up \subseteq Nodes
    /\ net \subseteq Msgs
    /\ acks \in [Nodes -> SUBSET Nodes]
    /\ acked \in BOOLEAN /\ confirmed \in BOOLEAN /\ created \in BOOLEAN /\ faults \in BOOLEAN
    /\ sawTomb \subseteq Nodes

Init ==
    /\ hard = [n \in Nodes |-> NoVersion]
    /\ pend = [n \in Nodes |-> NoVersion]
    /\ lost = {}
    /\ clock = [n \in Nodes |-> 0]
    /\ up = Nodes
    /\ net = {}
    /\ acks = [n \in Nodes |-> {}]
    /\ acked = FALSE /\ confirmed = FALSE /\ created = FALSE /\ faults = TRUE
    /\ sawTomb = {}

-----------------------------------------------------------------------------
(* The coordinator starts writing a new version and, in the same step,     *)
(* pushes it to the other replicas (parallel push); the write becomes      *)
(* durable later (Persist), or is lost in a crash. PORCUPINE.md            *)
(* "Replication"; src/pure/replication/coordinator.ts onUpdate/sendPushes. *)
(* A store creates the message once; a delete writes a tombstone where the *)
(* message is held. The old order (persist, then push) is the behaviours   *)
(* where Persist(n) comes before any Apply of the push.                    *)
Write(n, kind) ==
    /\ n \in up
    /\ pend[n] = NoVersion
    /\ clock[n] < MaxTs
    /\ IF kind = "msg" THEN ~created ELSE hard[n].kind = "msg"
    /\ LET v == [ts |-> clock[n] + 1, node |-> n, kind |-> kind]
       IN /\ pend' = [pend EXCEPT ![n] = v]
          /\ clock' = [clock EXCEPT ![n] = v.ts]
          /\ net' = net \cup {Push(n, m, v) : m \in Nodes \ {n}}
          /\ acks' = [acks EXCEPT ![n] = {}] \* its own copy counts once durable (Persist)
    /\ created' = TRUE
    /\ UNCHANGED <<hard, lost, up, acked, confirmed, sawTomb, faults>>

\* The coordinator's own write is durable: its copy counts (coordinator.ts onOwnCopyDurable).
Persist(n) ==
    /\ n \in up /\ pend[n] # NoVersion
    /\ hard' = [hard EXCEPT ![n] = pend[n]]
    /\ pend' = [pend EXCEPT ![n] = NoVersion]
    /\ acks' = [acks EXCEPT ![n] = @ \cup {n}]
    /\ sawTomb' = IF pend[n].kind = "tomb" THEN sawTomb \cup {n} ELSE sawTomb
    /\ UNCHANGED <<lost, clock, up, net, acked, confirmed, created, faults>>

\* A participant applies a pushed version if it is newer (LWW), persists it, and acks: PORCUPINE.md
\* "Replication" (pushes, acks); src/pure/replication/participant.ts onPush, lww.ts applyIfNewer;
\* coordinator.ts onAck. The ack names the version the participant now holds (the pushed one or newer); the
\* coordinator counts it when that is its current version or newer. The ack's own trip is folded into this
\* step (a lost ack is a lost push: the retry covers both), which keeps the model small. The ack waits for
\* the participant's own write in flight (ack after persist): a newer push supersedes that write, an older
\* one waits for it.
Apply(p) ==
    /\ p \in net /\ p.to \in up
    /\ pend[p.to] = NoVersion \/ Newer(p.v, pend[p.to])
    /\ LET n == p.to
           c == p.from
           keep == IF Newer(p.v, Cur(n)) THEN p.v ELSE Cur(n)
       IN /\ hard' = [hard EXCEPT ![n] = keep]
          /\ pend' = [pend EXCEPT ![n] = NoVersion]
          /\ clock' = [clock EXCEPT ![n] = Max(@, p.v.ts)]
          /\ net' = net \ {p}
          \* A takeover's push, acknowledged, ends the takeover (the participant's entry retires).
          /\ lost' = IF c # p.v.node THEN lost \ {p.v} ELSE lost
          /\ sawTomb' = IF keep.kind = "tomb" THEN sawTomb \cup {n} ELSE sawTomb
          /\ acks' = IF c \in up /\ (Cur(c) = keep \/ Newer(keep, Cur(c))) THEN [acks EXCEPT ![c] = @ \cup {n}] ELSE acks
    /\ UNCHANGED <<up, acked, confirmed, created, faults>>

\* SMTP 250 once AckReplicas replicas hold the message, the coordinator's own durable copy among them:
\* coordinator.ts notifyWaiters.
Ack250(n) ==
    /\ n \in up /\ ~acked
    /\ Cur(n).kind = "msg" /\ Cur(n).node = n
    /\ n \in acks[n]
    /\ Cardinality(acks[n]) >= AckReplicas
    /\ acked' = TRUE
    /\ UNCHANGED <<hard, pend, lost, clock, up, net, acks, confirmed, sawTomb, created, faults>>

\* A delete is confirmed once AckReplicas replicas hold the tombstone (POP QUIT's +OK).
Confirm(n) ==
    /\ n \in up /\ ~confirmed
    /\ Cur(n).kind = "tomb" /\ Cur(n).node = n
    /\ n \in acks[n]
    /\ Cardinality(acks[n]) >= AckReplicas
    /\ confirmed' = TRUE
    /\ UNCHANGED <<hard, pend, lost, clock, up, net, acks, acked, sawTomb, created, faults>>

\* The coordinator pushes its version again to the replicas that have not acked: coordinator.ts sendPushes
\* on the retry timer. Its log entry survives a crash (the coordinator's version is in its hard state), so
\* after a restart it pushes again (its acks were soft). Only the version's coordinator retries: a replica
\* re-pushing a tombstone that others have collected would bring it back forever (the model checker found
\* that loop against ReplicasConverge). A takeover that pushes to the other participants (participant.ts
\* onTakeover) is not modelled: the coordinator always restarts here. A coordinator whose own write was lost
\* in a crash no longer holds its version: a participant that holds it gives it back (Takeover).
Retry(n) ==
    /\ n \in up /\ Cur(n) # NoVersion /\ Cur(n).node = n
    /\ \E m \in Nodes \ acks[n] : m # n /\ Push(n, m, Cur(n)) \notin net
    /\ net' = net \cup {Push(n, m, Cur(n)) : m \in Nodes \ (acks[n] \cup {n})}
    /\ UNCHANGED <<hard, pend, lost, clock, up, acks, acked, confirmed, sawTomb, created, faults>>

\* A participant gives a version back to its coordinator, which lost its own write of it in a crash (the push
\* left in parallel with that write). participant.ts onPush logs a push sent before its pusher's copy was
\* durable, with the pusher among the targets owed it, and onTakeover pushes it after takeoverAfterMs without
\* a retire; the retire comes only once the coordinator holds the version durably. Abstracted here to: the
\* participant pushes a version its coordinator lost, while the coordinator lacks it, until one such push is
\* applied (a takeover's duplicate push after a retire that was itself lost is left out); an update of its own
\* in flight supersedes the entry (coordinator.ts supersede).
Takeover(m) ==
    /\ m \in up /\ pend[m] = NoVersion /\ hard[m] \in lost /\ hard[m].node # m
    /\ Newer(hard[m], Cur(hard[m].node))
    /\ Push(m, hard[m].node, hard[m]) \notin net
    /\ net' = net \cup {Push(m, hard[m].node, hard[m])}
    /\ UNCHANGED <<hard, pend, lost, clock, up, acks, acked, confirmed, sawTomb, created, faults>>

\* A tombstone is collected once every replica holds it and no older version is in flight:
\* maintenance.ts onGcTimer (retention: the waiting period covers packets in flight). "Holds" means durably,
\* with no write of its own in flight: the real guard is the delete's retirement, which needs every replica's
\* ack, and an ack (or the coordinator's own count) waits for the replica's writes.
Collect(n) ==
    /\ n \in up /\ hard[n].kind = "tomb" /\ pend[n] = NoVersion
    /\ \A m \in Nodes : Cur(m) = NoVersion \/ (hard[m] = hard[n] /\ pend[m] = NoVersion)
    /\ \A p \in net : ~Newer(hard[n], p.v)
    /\ hard' = [hard EXCEPT ![n] = NoVersion]
    /\ acks' = [acks EXCEPT ![n] = {}]
    /\ UNCHANGED <<pend, lost, clock, up, net, acked, confirmed, sawTomb, created, faults>>

-----------------------------------------------------------------------------
(* Faults, until FaultsStop: a crash loses soft state (acks, a write not  *)
(* yet durable) and keeps the hard state; messages are lost.               *)
(* src/sim/faults.ts.                                                      *)
Crash(n) ==
    /\ faults /\ n \in up
    /\ up' = up \ {n}
    /\ acks' = [acks EXCEPT ![n] = {}]
    /\ pend' = [pend EXCEPT ![n] = NoVersion]
    /\ lost' = IF pend[n] # NoVersion THEN lost \cup {pend[n]} ELSE lost
    /\ UNCHANGED <<hard, clock, net, acked, confirmed, sawTomb, created, faults>>

Restart(n) ==
    /\ n \notin up
    /\ up' = up \cup {n}
    /\ UNCHANGED <<hard, pend, lost, clock, net, acks, acked, confirmed, sawTomb, created, faults>>

Lose(p) ==
    /\ faults /\ p \in net
    /\ net' = net \ {p}
    /\ UNCHANGED <<hard, pend, lost, clock, up, acks, acked, confirmed, sawTomb, created, faults>>

FaultsStop ==
    /\ faults
    /\ faults' = FALSE
    /\ UNCHANGED <<hard, pend, lost, clock, up, net, acks, acked, confirmed, sawTomb, created>>

Next ==
    \/ \E n \in Nodes, k \in Kinds : Write(n, k)
    \/ \E p \in net : Apply(p) \/ Lose(p)
    \/ \E n \in Nodes : Persist(n) \/ Ack250(n) \/ Confirm(n) \/ Retry(n) \/ Takeover(n) \/ Collect(n) \/ Crash(n) \/ Restart(n)
    \/ FaultsStop

Fairness ==
    /\ \A n \in Nodes : WF_vars(Restart(n)) /\ WF_vars(Persist(n)) /\ WF_vars(Retry(n)) /\ WF_vars(Takeover(n)) /\ WF_vars(Collect(n))
    /\ WF_vars(\E p \in net : Apply(p))
    /\ WF_vars(FaultsStop)

Spec == Init /\ [][Next]_vars /\ Fairness

-----------------------------------------------------------------------------
\* Durability: once acknowledged, the message is held by AckReplicas nodes' hard state, or a delete of it
\* (a tombstone) has been written.
Durable ==
    acked => \/ Cardinality({n \in Nodes : hard[n].kind = "msg"}) >= AckReplicas
             \/ sawTomb # {}

\* A delete, once a node holds the tombstone, is never undone there: the message never comes back to it.
DeleteSticks == \A n \in sawTomb : hard[n].kind # "msg"

\* Liveness: once faults stop, all replicas end up equal.
ReplicasConverge == <>[](\A m, n \in Nodes : hard[m] = hard[n])
=============================================================================
