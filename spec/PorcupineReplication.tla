------------------------- MODULE PorcupineReplication -------------------------
(***************************************************************************)
(* Replication of one mailbox object (one message of one user) in a        *)
(* Porcupine cluster (PORCUPINE.md "Replication"; docs/replication.md):    *)
(* update anywhere, the whole object pushed by the replica that took the   *)
(* update (its coordinator), last-writer-wins ordered by (timestamp, node),*)
(* the SMTP 250 / a delete's +OK once AckReplicas replicas hold the        *)
(* version durably, deletes as tombstones, tombstones collected once every *)
(* replica holds them or is away past the log retention (down, or cut off  *)
(* and quarantined: it rejoins as new and reconciles), and faults: crashes *)
(* (soft state lost, hard state kept), disk loss, and message loss,        *)
(* duplication and reordering, until the faults stop.                      *)
(*                                                                         *)
(* Every action is named like the trace event of the implementation it     *)
(* models (src/pure/replication/state.ts replicationTraceActions, and the  *)
(* simulator's Crash/Restart), takes the acting node first, and is checked *)
(* against simulator traces through src/conformance/replication.ts: one    *)
(* behaviour per replicated message of the run (docs/spec.md).             *)
(*                                                                         *)
(* Messages: `net` is the set of versions that may still be delivered. A   *)
(* delivery does not remove its version: a push may be lost (never         *)
(* delivered), retried, duplicated or reordered, and the coordinator's own *)
(* write and its pushes to the participants may complete in either order   *)
(* (the coordinator may push in parallel with its own persist). A version  *)
(* leaves `net` only when a tombstone that supersedes it is collected: the *)
(* waiting period before collection outlasts every packet in flight.       *)
(***************************************************************************)
EXTENDS Naturals, FiniteSets

CONSTANTS
    Nodes,        \* nodes, as numbers (the node order breaks timestamp ties)
    AckReplicas,  \* durable copies before the SMTP 250 / a confirmed delete
    MaxTs,        \* bound on timestamps (small models; a trace's distinct update timestamps)
    StoreRetries, \* a client's retry may store the message again (a newer message version)
    DiskLoss      \* the values a Restart's `lost` may take: {FALSE}, or BOOLEAN when disks may be lost

VARIABLES
    hard,       \* hard[n]: the version node n holds durably, or NoVersion
    clock,      \* clock[n]: node n's clock (the last timestamp it issued or applied)
    up,         \* the nodes running
    net,        \* the versions that may still be delivered (written, and not yet superseded by a collected tombstone)
    acked,      \* history: the message got its SMTP 250
    confirmed,  \* history: a delete of the message was confirmed to the user
    sawTomb,    \* history: the nodes that ever held a tombstone durably
    created,    \* the message was written once (one object per model)
    faults,     \* faults may still happen; FaultsStop ends them for good
    quarantined, \* the nodes whose copy is quarantined: distrusted and hidden until reconciled (docs/replication.md)
    owed        \* history: down nodes whose older copy a tombstone's collection passed over; they must quarantine

vars == <<hard, clock, up, net, acked, confirmed, sawTomb, created, faults, quarantined, owed>>

Kinds == {"msg", "tomb"}
NoVersion == [ts |-> 0, node |-> 0, kind |-> "none"]
Versions == [ts : 1..MaxTs, node : Nodes, kind : Kinds] \cup {NoVersion}

\* LWW order (src/pure/replication/lww.ts applyIfNewer, hlc.ts compareTimestamp): timestamp, then node.
Newer(a, b) == a.ts > b.ts \/ (a.ts = b.ts /\ a.node > b.node)
AtLeast(a, b) == a = b \/ Newer(a, b)

Max(a, b) == IF a > b THEN a ELSE b

\* The nodes that durably hold version v or a newer one (what the coordinator's waiter counts: coordinator.ts addCopy).
Holders(v) == {m \in Nodes : AtLeast(hard[m], v)}

TypeOK ==
    /\ hard \in [Nodes -> Versions]
    /\ clock \in [Nodes -> 0..MaxTs]
    /\ up \subseteq Nodes
    /\ net \subseteq Versions
    /\ acked \in BOOLEAN /\ confirmed \in BOOLEAN /\ created \in BOOLEAN /\ faults \in BOOLEAN
    /\ sawTomb \subseteq Nodes
    /\ quarantined \subseteq Nodes /\ owed \subseteq Nodes

\* Any nodes may be up at the start: a trace's behaviour of one object starts at the object's first event.
Init ==
    /\ hard = [n \in Nodes |-> NoVersion]
    /\ clock = [n \in Nodes |-> 0]
    /\ up \in SUBSET Nodes
    /\ net = {}
    /\ acked = FALSE /\ confirmed = FALSE /\ created = FALSE /\ faults = TRUE
    /\ sawTomb = {}
    /\ quarantined = {} /\ owed = {}

-----------------------------------------------------------------------------
(* An update at its coordinator: a new version with a timestamp above      *)
(* every one the node has issued or applied, its own write issued and its  *)
(* pushes sent (PORCUPINE.md "Replication": update log, the first replica  *)
(* coordinates; src/pure/replication/coordinator.ts onUpdate, sendPushes). *)
(* A store creates the message (again only when a client's retry may      *)
(* re-store it, never over a tombstone the node holds); a delete writes a  *)
(* tombstone newer than a version of the message (the node holds one, in   *)
(* memory at least, and its clock is past it: node-glue.ts                 *)
(* onReplicatedStore, onReplicatedDelete).                                 *)
ReplUpdate(n, kind, ts) ==
    /\ n \in up
    /\ ts > clock[n] /\ ts <= MaxTs
    /\ LET v == [ts |-> ts, node |-> n, kind |-> kind]
       IN /\ IF kind = "msg" THEN (~created \/ StoreRetries) /\ hard[n].kind # "tomb"
                             ELSE \E w \in net : w.kind = "msg" /\ Newer(v, w)
          /\ net' = net \cup {v}
    /\ clock' = [clock EXCEPT ![n] = ts]
    /\ created' = TRUE
    /\ UNCHANGED <<hard, up, acked, confirmed, sawTomb, faults, quarantined, owed>>

\* A version becomes durable at n: the coordinator's own write, or a participant's write of a pushed version
\* (or of one handed back with an ack). Only a newer version is written: participant.ts onPush, lww.ts
\* applyIfNewer; the write completes in hard-state order (replication.ts onPersisted).
ReplPersist(n, v) ==
    /\ n \in up /\ v \in net
    /\ Newer(v, hard[n])
    /\ hard' = [hard EXCEPT ![n] = v]
    /\ clock' = [clock EXCEPT ![n] = Max(@, v.ts)]
    /\ sawTomb' = IF v.kind = "tomb" THEN sawTomb \cup {n} ELSE sawTomb
    \* A written version is trusted (hard-state.ts replPut): it is newer than anything reconciliation would ask about.
    /\ quarantined' = quarantined \ {n}
    /\ UNCHANGED <<up, net, acked, confirmed, created, faults, owed>>

\* The caller of version v's update is answered (SMTP 250 for a message, POP QUIT's +OK for a tombstone) once
\* AckReplicas nodes durably hold v or a newer version: coordinator.ts notifyWaiters. The guard is the
\* durability itself, not the coordinator's knowledge of it: an ack sent before a write is durable is caught.
ReplDurable(n, v) ==
    /\ n \in up /\ v \in net /\ v.node = n
    /\ Cardinality(Holders(v)) >= AckReplicas
    /\ IF v.kind = "msg" THEN acked' = TRUE /\ UNCHANGED confirmed ELSE confirmed' = TRUE /\ UNCHANGED acked
    /\ UNCHANGED <<hard, clock, up, net, sawTomb, created, faults, quarantined, owed>>

\* A node whose older copy a collection may pass over: it is quarantined (it was cut off past the log retention,
\* maintenance.ts quarantineIfAway), or down (back after longer than the retention, it quarantines at boot;
\* sooner, it was not passed over: the collection waits retention + wait from the delete).
PassedOver(m) == m \in quarantined \/ m \notin up

\* A node drops its copy:
\* - a tombstone it trusts, once every replica holds it, a newer version (a client's retry stored the message again
\*   on other replicas), nothing, or is passed over: maintenance.ts onGcTimer, after the delete retired and the
\*   waiting period (maxClockSkew + maxPacketLifetime) passed, or after the log retention without a retire (a
\*   replica stayed away), so no push of it or of an older version is still in flight: those leave `net`;
\* - a quarantined message that no other replica holds any more (every one answered "nothing here": the object was
\*   deleted while this node was away and its tombstone collected; maintenance.ts onReconciled; a quarantined
\*   tombstone is trusted then instead, and collected as above).
ReplCollect(n, v) ==
    /\ n \in up /\ hard[n] = v
    /\ \/ /\ v.kind = "tomb" /\ n \notin quarantined
          /\ \A m \in Nodes : AtLeast(hard[m], v) \/ hard[m] = NoVersion \/ PassedOver(m)
          /\ net' = {w \in net : Newer(w, v)}
          /\ owed' = owed \cup {m \in Nodes : m \notin up /\ m \notin quarantined /\ hard[m] # NoVersion /\ Newer(v, hard[m])}
       \/ /\ v.kind = "msg" /\ n \in quarantined
          /\ \A m \in Nodes \ {n} : hard[m] = NoVersion \/ Newer(hard[m], v)
          /\ UNCHANGED <<net, owed>>
    /\ hard' = [hard EXCEPT ![n] = NoVersion]
    /\ quarantined' = quarantined \ {n}
    /\ UNCHANGED <<clock, up, acked, confirmed, sawTomb, created, faults>>

\* A node away past the log retention (down: at its boot; cut off from a majority of the cluster: while cut off or
\* when it is back) quarantines every object it holds (maintenance.ts quarantineIfAway; a trace event for every
\* object, held or not: a version written later is trusted, ReplPersist). Traces never end the faults (FaultsStop
\* is the model's), so the guard only keeps the model's behaviours from quarantining for ever.
ReplQuarantine(n) ==
    /\ n \in up
    /\ faults \/ n \in owed   \* being away that long is a fault; once faults stop only a debt remains
    /\ quarantined' = quarantined \cup {n}
    /\ owed' = owed \ {n}
    /\ UNCHANGED <<hard, clock, up, net, acked, confirmed, sawTomb, created, faults>>

\* A quarantined copy is confirmed: another replica that is not quarantined itself holds a version, not newer than
\* ours (a newer one is adopted: ReplPersist); an older one is then pushed ours (maintenance.ts onReconciled). A
\* tombstone is trusted also when every other replica has nothing (a delete is never undone by keeping it).
\* (The sole replica of an R = 1 object trusts itself; the model's objects have every node as a replica.)
ReplTrust(n) ==
    /\ n \in up /\ n \in quarantined
    /\ \/ \E m \in Nodes \ {n} : hard[m] # NoVersion /\ m \notin quarantined
       \/ hard[n].kind = "tomb"
    /\ quarantined' = quarantined \ {n}
    /\ UNCHANGED <<hard, clock, up, net, acked, confirmed, sawTomb, created, faults, owed>>

\* Steps of the implementation that change nothing durable here (soft state only), each at a running node:
\* a participant applied a newer version in memory (its write is issued: participant.ts onPush), ignored a stale
\* or duplicate push (and acknowledged it), every target acknowledged (coordinator.ts retire), a participant took
\* over pushing (participant.ts onTakeover), a log entry expired (maintenance.ts onGcTimer).
ReplApply(n) == n \in up /\ UNCHANGED vars
ReplIgnore(n) == n \in up /\ UNCHANGED vars
ReplRetire(n) == n \in up /\ UNCHANGED vars
ReplTakeover(n) == n \in up /\ UNCHANGED vars
ReplExpire(n) == n \in up /\ UNCHANGED vars

-----------------------------------------------------------------------------
(* Nodes start down and boot (replication.ts bootReplication). Faults,     *)
(* until FaultsStop: a crash loses soft state and writes in flight and     *)
(* keeps the hard state; a restart (recorded by the simulator while the    *)
(* node is still down, just before its Boot) may find the disk lost        *)
(* (src/sim/faults.ts).                                                    *)
Boot(n) ==
    /\ n \notin up
    /\ up' = up \cup {n}
    /\ UNCHANGED <<hard, clock, net, acked, confirmed, sawTomb, created, faults, quarantined, owed>>

Crash(n) ==
    /\ faults /\ n \in up
    /\ up' = up \ {n}
    /\ UNCHANGED <<hard, clock, net, acked, confirmed, sawTomb, created, faults, quarantined, owed>>

\* A lost disk takes its quarantine marks with it: the node holds nothing to distrust.
Restart(n, lost) ==
    /\ n \notin up
    /\ hard' = IF lost THEN [hard EXCEPT ![n] = NoVersion] ELSE hard
    /\ quarantined' = IF lost THEN quarantined \ {n} ELSE quarantined
    /\ owed' = IF lost THEN owed \ {n} ELSE owed
    /\ UNCHANGED <<clock, up, net, acked, confirmed, sawTomb, created, faults>>

FaultsStop ==
    /\ faults
    /\ faults' = FALSE
    /\ UNCHANGED <<hard, clock, up, net, acked, confirmed, sawTomb, created, quarantined, owed>>

Next ==
    \/ \E n \in Nodes, k \in Kinds, ts \in 1..MaxTs : ReplUpdate(n, k, ts)
    \/ \E n \in Nodes, v \in Versions : ReplPersist(n, v)
    \/ \E n \in Nodes, v \in Versions : ReplDurable(n, v) \/ ReplCollect(n, v)
    \/ \E n \in Nodes, l \in DiskLoss : Restart(n, l)
    \/ \E n \in Nodes :
        \/ Crash(n) \/ Boot(n)
        \/ ReplApply(n) \/ ReplIgnore(n) \/ ReplRetire(n) \/ ReplTakeover(n) \/ ReplExpire(n)
        \/ ReplQuarantine(n) \/ ReplTrust(n)
    \/ FaultsStop

\* Pushes are retried until acknowledged (coordinator.ts sendPushes), crashed nodes boot again, tombstones are
\* collected, a node passed over by a collection quarantines (at its boot: it was down past the retention), and
\* quarantined copies are reconciled.
Fairness ==
    /\ \A n \in Nodes : WF_vars(Boot(n)) /\ WF_vars(\E v \in Versions : ReplCollect(n, v))
    /\ \A n \in Nodes : WF_vars(n \in owed /\ ReplQuarantine(n)) /\ WF_vars(ReplTrust(n))
    /\ \A n \in Nodes : WF_vars(\E v \in Versions : ReplPersist(n, v))
    /\ WF_vars(FaultsStop)

Spec == Init /\ [][Next]_vars /\ Fairness

-----------------------------------------------------------------------------
\* Durability: once acknowledged, the message is held by AckReplicas nodes' hard state, or a delete of it
\* (a tombstone) has been written.
Durable ==
    acked => \/ Cardinality({n \in Nodes : hard[n].kind = "msg"}) >= AckReplicas
             \/ sawTomb # {}

\* A delete, once a node holds the tombstone, is never undone there: the message never comes back to it
\* (without StoreRetries: a client's retry at a node that never saw the delete writes a newer message).
DeleteSticks == \A n \in sawTomb : hard[n].kind # "msg"

\* Liveness: once faults stop, all replicas end up equal.
ReplicasConverge == <>[](\A m, n \in Nodes : hard[m] = hard[n])
=============================================================================
