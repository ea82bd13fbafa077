----------------------------- MODULE MailStore -----------------------------
EXTENDS Naturals, FiniteSets
(***************************************************************************)
(* The durable mail store of a Porcupine cluster (Saito, Bershad & Levy,   *)
(* SOSP'99, "Delivery" and "Retrieval"), at the level the simulator's      *)
(* trace exposes with `trace.state: 'mailboxes'` (src/sim/trace.ts):       *)
(*   up    the nodes that are running;                                     *)
(*   mail  for every node and user, the ids of the messages the node has   *)
(*         made durable in that user's mailbox fragment.                   *)
(* One history variable, `stored`, remembers for every message the        *)
(* <<node, user>> pairs where a Store (or ReplPersist) made it durable;    *)
(* the trace does not give it, it follows from the steps (docs/spec.md).   *)
(* It is a function of the message (not a set of triples) so that the Ack  *)
(* guard is one lookup: trace validation evaluates it at every Ack. A      *)
(* second history, `covered`, also counts durable tombstones of a message  *)
(* (a later version): the copies an SMTP 250 may count (Ack).              *)
(*                                                                         *)
(* Every action is named exactly like a trace event (STYLE.md habit 8;     *)
(* src/pure/trace-actions.ts plus src/sim/trace.ts's SIM_TRACE_ACTIONS)  *)
(* and takes the acting node first. Actions that change only soft state or *)
(* client replies are written out with UNCHANGED vars, so an event with a  *)
(* wrong name, at a node that is down, or at the wrong place in the trace  *)
(* is still caught.                                                        *)
(***************************************************************************)
CONSTANTS
    Nodes,      \* node ids, e.g. {"n1", "n2", "n3"}
    Users,      \* user names
    Msgs,       \* message ids that may occur (a trace's own, or a small set for model checking)
    AckCodes,   \* SMTP reply codes an Ack may carry (250 and failures)
    AckReplicas, \* durable copies of a recipient's message before SMTP 250 (NodeConfig.ackReplicas; 1 unreplicated)
    DeleteSets  \* the sets of message ids a Delete may name (a trace's own, or SUBSET Msgs)

VARIABLES up, mail, stored, covered

vars == <<up, mail, stored, covered>>

TypeOK ==
    /\ up \subseteq Nodes
    /\ mail \in [Nodes -> [Users -> SUBSET Msgs]]
    /\ stored \in [Msgs -> SUBSET (Nodes \X Users)]
    /\ covered \in [Msgs -> SUBSET (Nodes \X Users)]

\* The simulator starts with every node down and no mail (users are provisioned, not traced).
Init ==
    /\ up = {}
    /\ mail = [n \in Nodes |-> [u \in Users |-> {}]]
    /\ stored = [m \in Msgs |-> {}]
    /\ covered = [m \in Msgs |-> {}]

-----------------------------------------------------------------------------
(* Node life cycle. A crash keeps the durable state: this is where a lost  *)
(* acknowledged write would show up as a trace that is not a behaviour.    *)

Boot(n) ==
    /\ n \notin up
    /\ up' = up \cup {n}
    /\ UNCHANGED <<mail, stored, covered>>

Crash(n) ==
    /\ n \in up
    /\ up' = up \ {n}
    /\ UNCHANGED <<mail, stored, covered>>

\* Recorded just before the restarted node's Boot, while it is still down. `lost`: the node's disk was
\* lost for good (the simulator's loseDisk fault, a `fault` line just before the Restart): it comes back
\* empty. The history `stored` keeps what was there, so durability stays checkable.
Restart(n, lost) ==
    /\ n \notin up
    /\ IF lost THEN mail' = [mail EXCEPT ![n] = [u \in Users |-> {}]] ELSE UNCHANGED mail
    /\ UNCHANGED <<up, stored, covered>>

\* The new incarnation number is durable.
Ready(n) == n \in up /\ UNCHANGED vars

-----------------------------------------------------------------------------
(* Mailbox writes: with ReplPersist, the only steps that change `mail`.   *)

\* A store became durable in u's fragment at n (idempotent: a retry may store an id again).
Store(n, u, m) ==
    /\ n \in up
    /\ mail' = [mail EXCEPT ![n][u] = @ \cup {m}]
    /\ stored' = [stored EXCEPT ![m] = @ \cup {<<n, u>>}]
    /\ covered' = [covered EXCEPT ![m] = @ \cup {<<n, u>>}]
    /\ UNCHANGED up

\* The message is already durable here; the request is answered without a write.
StoreDuplicate(n, u, m) ==
    /\ n \in up
    /\ m \in mail[n][u]
    /\ UNCHANGED vars

\* A delete became durable: exactly the ids ms (those the request named) went from u's fragment at n;
\* ids it did not hold are no-ops (a repeated delete). Next draws ms from the constant DeleteSets, not
\* from SUBSET Msgs: a trace validator enumerates every label, and (like TLC) splits Next into labels
\* only over sets that do not depend on the state.
Delete(n, u, ms) ==
    /\ n \in up
    /\ mail' = [mail EXCEPT ![n][u] = @ \ ms]
    /\ UNCHANGED <<up, stored, covered>>

-----------------------------------------------------------------------------
(* SMTP proxy.                                                             *)

AcceptRcpt(n) == n \in up /\ UNCHANGED vars

RejectRcpt(n) == n \in up /\ UNCHANGED vars

\* The proxy at n learned that u's copy of m is durable at `at`: a Store there must have happened.
Deliver(n, u, m, at) ==
    /\ n \in up
    /\ <<at, u>> \in stored[m]
    /\ UNCHANGED vars

\* The DATA reply. 250 promises durable copies (RFC 5321 §6.1; PORCUPINE.md "Delivery" with replication,
\* docs/replication.md): for some recipient u, AckReplicas nodes made m durable in u's mailbox
\* (src/pure/proxy/delivery.ts answers 250 once the replication manager reports ackReplicas copies).
\* A copy counts once the node made m or a later version of it durable (`covered`): a POP delete can
\* overtake the 250 (docs/replication.md, the ackedDurable refinement), and the replication manager counts
\* copies of a version >= the pushed one. Written over covered[m] (a few <<node, user>> pairs), not over
\* Nodes \X Users: validation evaluates it at every Ack.
Ack(n, m, code) ==
    /\ n \in up
    /\ code = 250 => \E c \in covered[m] : Cardinality({d \in covered[m] : d[2] = c[2]}) >= AckReplicas
    /\ UNCHANGED vars

-----------------------------------------------------------------------------
(* Soft state: mail maps at the managers, the user DB, timeouts, drops.    *)

AddFragment(n) == n \in up /\ UNCHANGED vars

DropFragment(n) == n \in up /\ UNCHANGED vars

SetProfile(n) == n \in up /\ UNCHANGED vars

Timeout(n) == n \in up /\ UNCHANGED vars

Drop(n) == n \in up /\ UNCHANGED vars

-----------------------------------------------------------------------------
(* POP3 proxy (RFC 1939). Deletes reach the store as Delete steps.         *)

Authenticate(n) == n \in up /\ UNCHANGED vars

AuthFail(n) == n \in up /\ UNCHANGED vars

List(n) == n \in up /\ UNCHANGED vars

Retrieve(n) == n \in up /\ UNCHANGED vars

Quit(n) == n \in up /\ UNCHANGED vars

-----------------------------------------------------------------------------
(* Membership and soft-state reconstruction (PORCUPINE.md "Membership").   *)

SuspectPeer(n) == n \in up /\ UNCHANGED vars

DetectChange(n) == n \in up /\ UNCHANGED vars

ProposeEpoch(n) == n \in up /\ UNCHANGED vars

AbandonProposal(n) == n \in up /\ UNCHANGED vars

AcceptEpoch(n) == n \in up /\ UNCHANGED vars

CommitEpoch(n) == n \in up /\ UNCHANGED vars

InstallView(n) == n \in up /\ UNCHANGED vars

DropStale(n) == n \in up /\ UNCHANGED vars

ReconstructSoftState(n) == n \in up /\ UNCHANGED vars

ApplyReport(n) == n \in up /\ UNCHANGED vars

-----------------------------------------------------------------------------
(* Replication (src/pure/replication, docs/replication.md), on when       *)
(* NodeConfig.replicas is set. There the mailbox fragments are a view of   *)
(* the replicated objects, and a copy changes the view when its write is   *)
(* durable: ReplPersist is then the Store (a message) or the Delete (a     *)
(* tombstone) of that one id. The other Repl* steps change nothing here.   *)

\* A replicated version of message m of user u became durable at n.
ReplPersist(n, u, m, kind) ==
    /\ n \in up
    /\ IF kind = "message"
          THEN /\ mail' = [mail EXCEPT ![n][u] = @ \cup {m}]
               /\ stored' = [stored EXCEPT ![m] = @ \cup {<<n, u>>}]
          ELSE /\ mail' = [mail EXCEPT ![n][u] = @ \ {m}]
               /\ UNCHANGED stored
    /\ covered' = [covered EXCEPT ![m] = @ \cup {<<n, u>>}]
    /\ UNCHANGED up

ReplUpdate(n) == n \in up /\ UNCHANGED vars

ReplApply(n) == n \in up /\ UNCHANGED vars

ReplIgnore(n) == n \in up /\ UNCHANGED vars

ReplDurable(n) == n \in up /\ UNCHANGED vars

ReplRetire(n) == n \in up /\ UNCHANGED vars

ReplTakeover(n) == n \in up /\ UNCHANGED vars

ReplExpire(n) == n \in up /\ UNCHANGED vars

ReplCollect(n) == n \in up /\ UNCHANGED vars

ReplQuarantine(n) == n \in up /\ UNCHANGED vars

ReplTrust(n) == n \in up /\ UNCHANGED vars

-----------------------------------------------------------------------------
Next ==
    \E n \in Nodes :
        \/ Boot(n)
        \/ Crash(n)
        \/ \E lost \in BOOLEAN : Restart(n, lost)
        \/ Ready(n)
        \/ \E u \in Users, m \in Msgs : Store(n, u, m)
        \/ \E u \in Users, m \in Msgs : StoreDuplicate(n, u, m)
        \/ \E u \in Users, ms \in DeleteSets : Delete(n, u, ms)
        \/ AcceptRcpt(n)
        \/ RejectRcpt(n)
        \/ \E u \in Users, m \in Msgs, at \in Nodes : Deliver(n, u, m, at)
        \/ \E m \in Msgs, code \in AckCodes : Ack(n, m, code)
        \/ AddFragment(n)
        \/ DropFragment(n)
        \/ SetProfile(n)
        \/ Timeout(n)
        \/ Drop(n)
        \/ Authenticate(n)
        \/ AuthFail(n)
        \/ List(n)
        \/ Retrieve(n)
        \/ Quit(n)
        \/ SuspectPeer(n)
        \/ DetectChange(n)
        \/ ProposeEpoch(n)
        \/ AbandonProposal(n)
        \/ AcceptEpoch(n)
        \/ CommitEpoch(n)
        \/ InstallView(n)
        \/ DropStale(n)
        \/ ReconstructSoftState(n)
        \/ ApplyReport(n)
        \/ ReplUpdate(n)
        \/ ReplApply(n)
        \/ ReplIgnore(n)
        \/ ReplDurable(n)
        \/ ReplRetire(n)
        \/ ReplTakeover(n)
        \/ ReplExpire(n)
        \/ ReplCollect(n)
        \/ ReplQuarantine(n)
        \/ ReplTrust(n)
        \/ \E u \in Users, m \in Msgs, kind \in {"message", "tombstone"} : ReplPersist(n, u, m, kind)

Spec == Init /\ [][Next]_vars

-----------------------------------------------------------------------------
(* What holds of every behaviour (checked on the small model MCMailStore). *)

\* No message appears at a node by itself: each one got there by a Store (or ReplPersist) at that node.
MailWasStored ==
    \A n \in Nodes, u \in Users : \A m \in mail[n][u] : <<n, u>> \in stored[m]

\* A crash (and a boot) loses nothing durable.
UpDownKeepsMail == [][up' # up => mail' = mail]_vars

\* Mail leaves a fragment only through a Delete (or a replicated tombstone) at a running node, or with
\* the whole disk of a node that is down.
MailLeavesOnlyByDelete ==
    [][\A n \in Nodes, u \in Users :
          ~(mail[n][u] \subseteq mail'[n][u]) =>
              \/ /\ n \in up
                 /\ \/ \E ms \in DeleteSets : Delete(n, u, ms)
                    \/ \E m \in Msgs : ReplPersist(n, u, m, "tombstone")
              \/ Restart(n, TRUE)]_vars
=============================================================================
