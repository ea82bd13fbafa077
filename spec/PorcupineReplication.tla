------------------------- MODULE PorcupineReplication -------------------------
(***************************************************************************)
(* Replication of one mailbox object (one message of one user) in a        *)
(* Porcupine cluster (PORCUPINE.md "Replication"; docs/replication.md):    *)
(* update anywhere, the whole object pushed by the replica that took the   *)
(* update (its coordinator), last-writer-wins ordered by (timestamp, node),*)
(* acknowledgements counted towards the SMTP 250 (AckReplicas durable      *)
(* copies), deletes as tombstones, tombstones collected once every replica *)
(* holds them, and faults: crashes (soft state lost, hard state kept) and  *)
(* message loss, until the faults stop.                                    *)
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
    clock,      \* clock[n]: node n's hybrid logical clock (the last timestamp it issued or saw)
    up,         \* the nodes running
    net,        \* messages in flight (a set: a duplicate is the same message; loss removes it)
    acks,       \* acks[n]: nodes known to hold n's current version durably (soft state: lost in a crash)
    acked,      \* history: the message got its SMTP 250
    confirmed,  \* history: a delete of the message was confirmed to the user
    sawTomb,    \* history: the nodes that ever held the tombstone durably
    created,    \* the message was written once (one object per model)
    faults      \* faults may still happen; FaultsStop ends them for good

vars == <<hard, clock, up, net, acks, acked, confirmed, sawTomb, created, faults>>

Kinds == {"msg", "tomb"}
NoVersion == [ts |-> 0, node |-> 0, kind |-> "none"]
Versions == [ts : 1..MaxTs, node : Nodes, kind : Kinds] \cup {NoVersion}

\* LWW order (src/pure/replication/lww.ts applyIfNewer): timestamp, then node.
Newer(a, b) == a.ts > b.ts \/ (a.ts = b.ts /\ a.node > b.node)

Push(from, to, v) == [type |-> "push", from |-> from, to |-> to, v |-> v]
Msgs == {Push(f, t, v) : f \in Nodes, t \in Nodes, v \in Versions}

Max(a, b) == IF a > b THEN a ELSE b

TypeOK ==
    /\ hard \in [Nodes -> Versions]
    /\ clock \in [Nodes -> 0..MaxTs]
    /\ up \subseteq Nodes
    /\ net \subseteq Msgs
    /\ acks \in [Nodes -> SUBSET Nodes]
    /\ acked \in BOOLEAN /\ confirmed \in BOOLEAN /\ created \in BOOLEAN /\ faults \in BOOLEAN
    /\ sawTomb \subseteq Nodes

Init ==
    /\ hard = [n \in Nodes |-> NoVersion]
    /\ clock = [n \in Nodes |-> 0]
    /\ up = Nodes
    /\ net = {}
    /\ acks = [n \in Nodes |-> {}]
    /\ acked = FALSE /\ confirmed = FALSE /\ created = FALSE /\ faults = TRUE
    /\ sawTomb = {}

-----------------------------------------------------------------------------
(* The coordinator writes a new version durably and pushes it to the other *)
(* replicas: PORCUPINE.md "Replication" (update log, first replica         *)
(* coordinates); src/pure/replication/coordinator.ts onUpdate/sendPushes.  *)
(* A store creates the message once; a delete writes a tombstone where the *)
(* message is held.                                                        *)
Write(n, kind) ==
    /\ n \in up
    /\ clock[n] < MaxTs
    /\ IF kind = "msg" THEN ~created ELSE hard[n].kind = "msg"
    /\ LET v == [ts |-> clock[n] + 1, node |-> n, kind |-> kind]
       IN /\ hard' = [hard EXCEPT ![n] = v]
          /\ clock' = [clock EXCEPT ![n] = v.ts]
          /\ net' = net \cup {Push(n, m, v) : m \in Nodes \ {n}}
          /\ acks' = [acks EXCEPT ![n] = {n}]
          /\ sawTomb' = IF kind = "tomb" THEN sawTomb \cup {n} ELSE sawTomb
    /\ created' = TRUE
    /\ UNCHANGED <<up, acked, confirmed, faults>>

\* A participant applies a pushed version if it is newer (LWW), persists it, and acks: PORCUPINE.md
\* "Replication" (pushes, acks); src/pure/replication/participant.ts onPush, lww.ts applyIfNewer;
\* coordinator.ts onAck. The ack names the version the participant now holds (the pushed one or newer); the
\* coordinator counts it when that is its current version or newer. The ack's own trip is folded into this
\* step (a lost ack is a lost push: the retry covers both), which keeps the model small.
Apply(p) ==
    /\ p \in net /\ p.to \in up
    /\ LET n == p.to
           c == p.from
           keep == IF Newer(p.v, hard[n]) THEN p.v ELSE hard[n]
       IN /\ hard' = [hard EXCEPT ![n] = keep]
          /\ clock' = [clock EXCEPT ![n] = Max(@, p.v.ts)]
          /\ net' = net \ {p}
          /\ sawTomb' = IF keep.kind = "tomb" THEN sawTomb \cup {n} ELSE sawTomb
          /\ acks' = IF c \in up /\ (hard[c] = keep \/ Newer(keep, hard[c])) THEN [acks EXCEPT ![c] = @ \cup {n}] ELSE acks
    /\ UNCHANGED <<up, acked, confirmed, created, faults>>

\* SMTP 250 once AckReplicas replicas hold the message: coordinator.ts notifyWaiters.
Ack250(n) ==
    /\ n \in up /\ ~acked
    /\ hard[n].kind = "msg" /\ hard[n].node = n
    /\ Cardinality(acks[n]) >= AckReplicas
    /\ acked' = TRUE
    /\ UNCHANGED <<hard, clock, up, net, acks, confirmed, sawTomb, created, faults>>

\* A delete is confirmed once AckReplicas replicas hold the tombstone (POP QUIT's +OK).
Confirm(n) ==
    /\ n \in up /\ ~confirmed
    /\ hard[n].kind = "tomb" /\ hard[n].node = n
    /\ Cardinality(acks[n]) >= AckReplicas
    /\ confirmed' = TRUE
    /\ UNCHANGED <<hard, clock, up, net, acks, acked, sawTomb, created, faults>>

\* The coordinator pushes its version again to the replicas that have not acked: coordinator.ts sendPushes
\* on the retry timer. Its log entry survives a crash (the coordinator's version is in its hard state), so
\* after a restart it pushes again (its acks were soft). Only the version's coordinator retries: a replica
\* re-pushing a tombstone that others have collected would bring it back forever (the model checker found
\* that loop against ReplicasConverge). A takeover by another replica (participant.ts onTakeover) is not
\* modelled: the coordinator always restarts here.
Retry(n) ==
    /\ n \in up /\ hard[n] # NoVersion /\ hard[n].node = n
    /\ \E m \in Nodes \ acks[n] : m # n /\ Push(n, m, hard[n]) \notin net
    /\ net' = net \cup {Push(n, m, hard[n]) : m \in Nodes \ (acks[n] \cup {n})}
    /\ UNCHANGED <<hard, clock, up, acks, acked, confirmed, sawTomb, created, faults>>

\* A tombstone is collected once every replica holds it and no older version is in flight:
\* maintenance.ts onGcTimer (retention: the waiting period covers packets in flight).
Collect(n) ==
    /\ n \in up /\ hard[n].kind = "tomb"
    /\ \A m \in Nodes : hard[m] = hard[n] \/ hard[m] = NoVersion
    /\ \A p \in net : ~Newer(hard[n], p.v)
    /\ hard' = [hard EXCEPT ![n] = NoVersion]
    /\ acks' = [acks EXCEPT ![n] = {}]
    /\ UNCHANGED <<clock, up, net, acked, confirmed, sawTomb, created, faults>>

-----------------------------------------------------------------------------
(* Faults, until FaultsStop: a crash loses soft state (acks) and keeps the *)
(* hard state; messages are lost. src/sim/faults.ts.                       *)
Crash(n) ==
    /\ faults /\ n \in up
    /\ up' = up \ {n}
    /\ acks' = [acks EXCEPT ![n] = {}]
    /\ UNCHANGED <<hard, clock, net, acked, confirmed, sawTomb, created, faults>>

Restart(n) ==
    /\ n \notin up
    /\ up' = up \cup {n}
    /\ UNCHANGED <<hard, clock, net, acks, acked, confirmed, sawTomb, created, faults>>

Lose(p) ==
    /\ faults /\ p \in net
    /\ net' = net \ {p}
    /\ UNCHANGED <<hard, clock, up, acks, acked, confirmed, sawTomb, created, faults>>

FaultsStop ==
    /\ faults
    /\ faults' = FALSE
    /\ UNCHANGED <<hard, clock, up, net, acks, acked, confirmed, sawTomb, created>>

Next ==
    \/ \E n \in Nodes, k \in Kinds : Write(n, k)
    \/ \E p \in net : Apply(p) \/ Lose(p)
    \/ \E n \in Nodes : Ack250(n) \/ Confirm(n) \/ Retry(n) \/ Collect(n) \/ Crash(n) \/ Restart(n)
    \/ FaultsStop

Fairness ==
    /\ \A n \in Nodes : WF_vars(Restart(n)) /\ WF_vars(Retry(n)) /\ WF_vars(Collect(n))
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
