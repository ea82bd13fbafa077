---------------------------- MODULE PorcupineMail ----------------------------
EXTENDS Naturals, FiniteSets
(***************************************************************************)
(* Mail delivery and retrieval through the user managers of a Porcupine    *)
(* cluster (Saito, Bershad & Levy, SOSP'99; PORCUPINE.md "State",          *)
(* "Delivery", "Retrieval", "Self-management"): MailStore's durable        *)
(* mailbox writes, plus the soft state that finds them again:              *)
(*   mgr[n][u]   node n's user map, restricted to the users: the entry     *)
(*               <<manager, stamp>> of u's bucket (the stamp is the epoch  *)
(*               in which the bucket last moved or was re-stamped);        *)
(*   mmap[n][u]  the mail map n keeps as u's manager: the nodes it lists   *)
(*               as holding a fragment of u's mailbox (soft: empty after a *)
(*               boot, reset and rebuilt from reports after a map change). *)
(* The steps that change the mail map are traced by the code: AddFragment  *)
(* and DropFragment (a mailbox's fragment notice changed the map),         *)
(* ReconstructSoftState (a view installed: new map, reset entries) and     *)
(* ApplyReport (a reporter's fragments replace its entries). The trace     *)
(* gives only `up`; everything else follows from the steps, each of which  *)
(* is deterministic given its arguments (docs/spec.md).                    *)
(*                                                                         *)
(* Lookups (a proxy asks u's manager for the mail map) are reads of mmap,  *)
(* not steps: an answer is mmap[n][u], or "unknown" / "not the manager"    *)
(* (LookupAnswers). Whether a manager answers "temporarily unknown" right  *)
(* after a map change (until every member has reported a moved bucket) is  *)
(* left open: both answers are allowed, and neither changes state.         *)
(* Spread (which node a proxy stores on) is not constrained: the bound is  *)
(* soft (docs/hardware-model.md), so a Store may happen at any running node.*)
(*                                                                         *)
(* Every action is named exactly like a trace event and takes the acting   *)
(* node first (STYLE.md habit 8; test/spec/names-in-sync.test.ts).         *)
(***************************************************************************)
CONSTANTS
    Nodes,       \* node ids
    Users,       \* user names
    Msgs,        \* message ids that may occur
    AckCodes,    \* SMTP reply codes an Ack may carry
    AckReplicas, \* durable copies of a recipient's message before SMTP 250 (1 unreplicated)
    DeleteSets,  \* the sets of message ids a Delete may name
    UserSets,    \* the sets of users a ReconstructSoftState or ApplyReport may name
    Views,       \* the views a node may install: <<epoch, map, members>>, the map as a set of <<user, <<manager, stamp>>>>
    InitMap,     \* each node's boot-time user map (user-map.ts initialUserMap over the configured nodes and
                 \* itself), as a set of <<node, user, <<manager, stamp>>>>
    LastEpoch    \* no crash once a node installed a view of this epoch (models: the last view; traces: never)

VARIABLES
    up,       \* the running nodes
    mail,     \* mail[n][u]: ids node n holds durably in u's fragment (as in MailStore)
    covered,  \* history: covered[m] = the <<node, user>> pairs where m or a tombstone of it was made durable
              \* (MailStore's `covered`: the copies a 250 may count)
    held,     \* history: held[u] = the nodes that ever held a fragment of u
    acked,    \* <<u, m>> got its SMTP 250 and has not been deleted or lost with a disk since
    mgr,      \* mgr[n]: n's user map, [Users -> <<manager, stamp>>]
    mmap,     \* mmap[n][u]: n's mail map entry for u (soft)
    epoch,    \* epoch[n]: the epoch of the view n installed last (0 after a boot: not joined yet)
    owe,      \* owe[n]: users of changed buckets whose report n has not had applied yet (soft, not traced)
    notice,   \* notice[n]: users whose fragment appeared or vanished at n, notice not applied yet (soft)
    faults    \* faults may still happen (always in traces; FaultsStop ends them in models)

mailVars == <<mail, covered, held, acked>>
softVars == <<mgr, mmap, epoch, owe, notice>>
vars == <<up, mail, covered, held, acked, mgr, mmap, epoch, owe, notice, faults>>

\* A map given as a set of <<user, entry>> pairs (constants are sets and tuples, as in a TLC .cfg), as a function.
Fn(rel) == [u \in Users |-> (CHOOSE p \in rel : p[1] = u)[2]]
Rel(map) == {<<u, map[u]>> : u \in Users}
InitMgr(n) == [u \in Users |-> (CHOOSE t \in InitMap : t[1] = n /\ t[2] = u)[3]]

Epochs == {v[1] : v \in Views}
Maps == {Fn(v[2]) : v \in Views}
MemberSets == {v[3] : v \in Views}
NoNodes == [u \in Users |-> {}]
NoUser == ""

TypeOK ==
    /\ up \subseteq Nodes
    /\ mail \in [Nodes -> [Users -> SUBSET Msgs]]
    /\ covered \in [Msgs -> SUBSET (Nodes \X Users)]
    /\ held \in [Users -> SUBSET Nodes]
    /\ acked \subseteq Users \X Msgs
    /\ \A n \in Nodes : mgr[n] \in Maps \cup {InitMgr(n)}
    /\ mmap \in [Nodes -> [Users -> SUBSET Nodes]]
    /\ epoch \in [Nodes -> Epochs \cup {0}]
    /\ owe \in [Nodes -> SUBSET Users] /\ notice \in [Nodes -> SUBSET Users]
    /\ faults \in BOOLEAN

Init ==
    /\ up = {}
    /\ mail = [n \in Nodes |-> NoNodes]
    /\ covered = [m \in Msgs |-> {}]
    /\ held = NoNodes
    /\ acked = {}
    /\ mgr = [n \in Nodes |-> InitMgr(n)]
    /\ mmap = [n \in Nodes |-> NoNodes]
    /\ epoch = [n \in Nodes |-> 0]
    /\ owe = [n \in Nodes |-> {}]
    /\ notice = [n \in Nodes |-> {}]
    /\ faults = TRUE

\* The nodes holding a fragment of u now.
Holders(u) == {h \in Nodes : mail[h][u] # {}}

\* u's manager in n's user map.
MgrOf(n, u) == mgr[n][u][1]

\* n's notices after u's fragment there becomes `after`: one is due when the fragment appears or vanishes.
Noticed(n, u, after) == IF (mail[n][u] = {}) # (after = {}) THEN notice[n] \cup {u} ELSE notice[n]

-----------------------------------------------------------------------------
(* Node life cycle (src/sim/faults.ts; src/pure/node.ts onBoot). A boot is a *)
(* new incarnation: soft state starts empty and the user map is the boot-  *)
(* time map (PORCUPINE.md "State": soft state is rebuilt, hard state kept). *)

Boot(n) ==
    /\ n \notin up
    /\ up' = up \cup {n}
    /\ mgr' = [mgr EXCEPT ![n] = InitMgr(n)]
    /\ mmap' = [mmap EXCEPT ![n] = NoNodes]
    /\ epoch' = [epoch EXCEPT ![n] = 0]
    /\ owe' = [owe EXCEPT ![n] = {}]
    /\ notice' = [notice EXCEPT ![n] = {}]
    /\ UNCHANGED <<mailVars, faults>>

\* Faults stop once a node installed a view of LastEpoch (the models' last view re-stamps every bucket, as
\* a view after the last restart does); FaultsStop ends them earlier.
Crash(n) ==
    /\ faults /\ \A k \in Nodes : epoch[k] < LastEpoch
    /\ n \in up
    /\ up' = up \ {n}
    /\ UNCHANGED <<mailVars, softVars, faults>>

\* Recorded while n is down, just before its Boot; `lost`: the disk was lost for good (src/sim/faults.ts
\* loseDisk), the node comes back with no mail.
Restart(n, lost) ==
    /\ n \notin up
    /\ lost => faults /\ \A k \in Nodes : epoch[k] < LastEpoch
    /\ IF lost
          THEN /\ mail' = [mail EXCEPT ![n] = NoNodes]
               /\ acked' = {p \in acked : \E k \in Nodes \ {n} : p[2] \in mail[k][p[1]]}
          ELSE UNCHANGED <<mail, acked>>
    /\ UNCHANGED <<up, covered, held, softVars, faults>>

Ready(n) == n \in up /\ UNCHANGED vars

-----------------------------------------------------------------------------
(* Mailbox manager (PORCUPINE.md "Delivery": "the mailbox manager updates   *)
(* the mail map if it created a new fragment"; src/pure/mailbox/mailbox.ts *)
(* onPersisted, notify). A write that creates or empties a fragment owes   *)
(* the user's manager a notice (retried until acknowledged).               *)

\* src/pure/mailbox/mailbox.ts onStoreMsg/onPersisted: m durable in u's fragment at n.
Store(n, u, m) ==
    /\ n \in up
    /\ mail' = [mail EXCEPT ![n][u] = @ \cup {m}]
    /\ covered' = [covered EXCEPT ![m] = @ \cup {<<n, u>>}]
    /\ held' = [held EXCEPT ![u] = @ \cup {n}]
    /\ notice' = [notice EXCEPT ![n] = Noticed(n, u, mail'[n][u])]
    /\ UNCHANGED <<up, acked, mgr, mmap, epoch, owe, faults>>

\* src/pure/mailbox/mailbox.ts onStoreMsg: already durable here, answered without a write.
StoreDuplicate(n, u, m) ==
    /\ n \in up
    /\ m \in mail[n][u]
    /\ UNCHANGED vars

\* PORCUPINE.md "Retrieval" (deletions forwarded to the fragments); src/pure/mailbox/mailbox.ts
\* onDeleteMsgs/onPersisted: exactly the ids ms went from u's fragment at n.
Delete(n, u, ms) ==
    /\ n \in up
    /\ mail' = [mail EXCEPT ![n][u] = @ \ ms]
    /\ acked' = acked \ {<<u, m>> : m \in ms \cap mail[n][u]}
    /\ notice' = [notice EXCEPT ![n] = Noticed(n, u, mail'[n][u])]
    /\ UNCHANGED <<up, covered, held, mgr, mmap, epoch, owe, faults>>

-----------------------------------------------------------------------------
(* SMTP proxy (PORCUPINE.md "Delivery"; src/pure/proxy/delivery.ts): the   *)
(* lookup at u's manager and the load balancer's choice (src/pure/load     *)
(* choose.ts chooseNode) are reads; the proxy's durable facts are checked. *)

\* onRcptDone: the manager knew the user (250) or not / unreachable (550, 451).
AcceptRcpt(n) == n \in up /\ UNCHANGED vars

RejectRcpt(n) == n \in up /\ UNCHANGED vars

\* onStoreDone: u's copy of m is durable at `at`.
Deliver(n, u, m, at) ==
    /\ n \in up
    /\ <<at, u>> \in covered[m]
    /\ UNCHANGED vars

\* onStoreDone/answer: the DATA reply; 250 needs AckReplicas durable copies (or later versions) for some
\* recipient (RFC 5321 §6.1; docs/replication.md), and records every recipient it covers.
AckedUsers(m) == {c[2] : c \in {d \in covered[m] : Cardinality({e \in covered[m] : e[2] = d[2]}) >= AckReplicas}}

Ack(n, m, code) ==
    /\ n \in up
    /\ code = 250 => AckedUsers(m) # {}
    \* A recipient whose copy a POP delete already removed everywhere has nothing left to hold.
    /\ acked' = IF code = 250 THEN acked \cup {<<u, m>> \in AckedUsers(m) \X {m} : \E k \in Nodes : m \in mail[k][u]} ELSE acked
    /\ UNCHANGED <<up, mail, covered, held, softVars, faults>>

-----------------------------------------------------------------------------
(* User manager (PORCUPINE.md "State": the mail map is soft state at the   *)
(* user's manager; src/pure/soft-state/manager.ts onMailMapUpdate, mail-    *)
(* map.ts). A notice is applied only by the node that manages the user in  *)
(* its own map (ignoreMailMapUpdate); the trace records only notices that  *)
(* changed the map (a stamp older than the entry's changes nothing).       *)

\* addFragmentNode: a notice "fragment created" from `from` added it to u's mail map at n, or renewed the
\* stamp of its entry (an entry a report added with an older stamp: the map changed, the node set did not).
AddFragment(n, u, from) ==
    /\ n \in up
    /\ MgrOf(n, u) = n
    /\ from \in held[u]
    /\ mmap' = [mmap EXCEPT ![n][u] = @ \cup {from}]
    /\ notice' = IF MgrOf(from, u) = n /\ mail[from][u] # {} THEN [notice EXCEPT ![from] = @ \ {u}] ELSE notice
    /\ UNCHANGED <<up, mailVars, mgr, epoch, owe, faults>>

\* removeFragmentNode: a notice "fragment gone" from `from` removed it from u's mail map at n.
DropFragment(n, u, from) ==
    /\ n \in up
    /\ MgrOf(n, u) = n
    /\ from \in mmap[n][u]
    /\ mmap' = [mmap EXCEPT ![n][u] = @ \ {from}]
    /\ notice' = IF MgrOf(from, u) = n /\ mail[from][u] = {} THEN [notice EXCEPT ![from] = @ \ {u}] ELSE notice
    /\ UNCHANGED <<up, mailVars, mgr, epoch, owe, faults>>

\* What a lookup at n for u may be answered (onLookupUser): a read, not a step. "unknown" covers both a
\* user without profile and the manager that waits for reports after a map change.
LookupAnswers(n, u) == IF MgrOf(n, u) = n THEN {mmap[n][u], "unknown"} ELSE {"notManager"}

SetProfile(n) == n \in up /\ UNCHANGED vars

Timeout(n) == n \in up /\ UNCHANGED vars

Drop(n) == n \in up /\ UNCHANGED vars

-----------------------------------------------------------------------------
(* POP3 proxy (PORCUPINE.md "Retrieval"; src/pure/proxy/retrieval.ts,      *)
(* pop-update.ts): reads of the mail map and the fragments; deletes reach  *)
(* the store as Delete steps.                                              *)

Authenticate(n) == n \in up /\ UNCHANGED vars

AuthFail(n) == n \in up /\ UNCHANGED vars

List(n) == n \in up /\ UNCHANGED vars

Retrieve(n) == n \in up /\ UNCHANGED vars

Quit(n) == n \in up /\ UNCHANGED vars

-----------------------------------------------------------------------------
(* Membership (PORCUPINE.md "Self-management"; spec/PorcupineMembership):  *)
(* only the installed view matters here, through ReconstructSoftState.     *)

SuspectPeer(n) == n \in up /\ UNCHANGED vars

DetectChange(n) == n \in up /\ UNCHANGED vars

ProposeEpoch(n) == n \in up /\ UNCHANGED vars

AbandonProposal(n) == n \in up /\ UNCHANGED vars

AcceptEpoch(n) == n \in up /\ UNCHANGED vars

CommitEpoch(n) == n \in up /\ UNCHANGED vars

InstallView(n) == n \in up /\ UNCHANGED vars

DropStale(n) == n \in up /\ UNCHANGED vars

-----------------------------------------------------------------------------
(* Soft-state reconstruction (PORCUPINE.md "Self-management": "each node   *)
(* computes the difference between old and new user maps and sends the new *)
(* managers the soft state for its hard state: the mailbox fragments it    *)
(* holds"; DESIGN.md §4).                                                  *)

\* The users of changed buckets when n installs a map (src/pure/soft-state/reconstruct.ts changedBuckets):
\* every user when n just joined (the first view of this incarnation, or one that lists n as rejoined),
\* else those whose entry (manager or stamp) differs.
Changed(n, map, rejoined) ==
    IF epoch[n] = 0 \/ rejoined THEN Users ELSE {u \in Users : mgr[n][u] # map[u]}

\* src/pure/soft-state/reconstruct-node.ts onViewInstalled + resetManagerState: n installs view
\* <<e, map, members>>. An entry survives for a user n manages in the new map, outside the changed users
\* unless n managed it before too (it kept receiving notices), minus the departed nodes. n owes the new
\* managers a report on the changed users (reportsFor; its own report is applied as an ApplyReport step).
\* `rejoined`: the view lists n as readmitted; `changed`: the users of the buckets n counts as changed.
ReconstructSoftState(n, e, map, members, rejoined, changed) ==
    /\ n \in up
    /\ <<e, Rel(map), members>> \in Views
    /\ e > epoch[n]
    /\ changed = Changed(n, map, rejoined)
    /\ mmap' = [mmap EXCEPT ![n] =
                  [u \in Users |-> IF map[u][1] = n /\ (u \notin changed \/ MgrOf(n, u) = n)
                                      THEN mmap[n][u] \cap members ELSE {}]]
    /\ mgr' = [mgr EXCEPT ![n] = map]
    /\ epoch' = [epoch EXCEPT ![n] = e]
    /\ owe' = [owe EXCEPT ![n] = @ \cup changed]
    /\ UNCHANGED <<up, mailVars, notice, faults>>

\* src/pure/soft-state/reconstruct-node.ts applyReportHere (reconstruct.ts applyReport): at manager n, a
\* report from `from` covering the users `cover` (of the reported buckets n manages): `from` is added for
\* the users it `reported` and was `removed` for others (a newer notice keeps an entry: not removed).
\* A reported user need not be in held[u] yet: a report is built from the fragments in memory, which include
\* a store whose write is not durable yet (its Store step comes later, or never if the node crashes first:
\* the proxy then got no answer and the client retries). The model (Report) reports durable fragments only.
ApplyReport(n, from, reported, removed, cover) ==
    /\ n \in up
    /\ reported \cup removed \subseteq cover
    /\ reported \cap removed = {}
    /\ \A u \in cover : MgrOf(n, u) = n
    /\ \A u \in removed : from \in mmap[n][u]
    /\ mmap' = [mmap EXCEPT ![n] = [u \in Users |->
                  IF u \in reported THEN mmap[n][u] \cup {from}
                  ELSE IF u \in removed THEN mmap[n][u] \ {from} ELSE mmap[n][u]]]
    /\ owe' = [owe EXCEPT ![from] = @ \ cover]
    /\ UNCHANGED <<up, mailVars, mgr, epoch, notice, faults>>

-----------------------------------------------------------------------------
(* Replication (src/pure/replication; docs/replication.md), as in MailStore:*)
(* ReplPersist is the durable Store (a message) or Delete (a tombstone) of *)
(* one id in replicated mode; the other Repl* steps change nothing here.   *)

ReplPersist(n, u, m, kind) ==
    /\ n \in up
    /\ IF kind = "message"
          THEN /\ mail' = [mail EXCEPT ![n][u] = @ \cup {m}]
               /\ held' = [held EXCEPT ![u] = @ \cup {n}]
               /\ UNCHANGED acked
          ELSE /\ mail' = [mail EXCEPT ![n][u] = @ \ {m}]
               /\ acked' = acked \ {<<u, m>>}
               /\ UNCHANGED held
    /\ covered' = [covered EXCEPT ![m] = @ \cup {<<n, u>>}]
    /\ notice' = [notice EXCEPT ![n] = Noticed(n, u, mail'[n][u])]
    /\ UNCHANGED <<up, mgr, mmap, epoch, owe, faults>>

\* src/pure/replication/coordinator.ts onUpdate, participant.ts onPush: a version of an object of u's
\* mailbox (u = NoUser for another object) is written here. The fragment view (hard.fragments) changes at
\* once and the mailbox notifies u's manager (node-glue.ts noticeFragment) before the write is durable
\* (ReplPersist), so the node counts as holding u's fragment from here on.
Written(n, u) == IF u \in Users THEN held' = [held EXCEPT ![u] = @ \cup {n}] ELSE UNCHANGED held

ReplUpdate(n, u) ==
    /\ n \in up
    /\ Written(n, u)
    /\ UNCHANGED <<up, mail, covered, acked, softVars, faults>>

ReplApply(n, u) ==
    /\ n \in up
    /\ Written(n, u)
    /\ UNCHANGED <<up, mail, covered, acked, softVars, faults>>

ReplIgnore(n) == n \in up /\ UNCHANGED vars

ReplDurable(n) == n \in up /\ UNCHANGED vars

ReplRetire(n) == n \in up /\ UNCHANGED vars

ReplTakeover(n) == n \in up /\ UNCHANGED vars

ReplExpire(n) == n \in up /\ UNCHANGED vars

ReplCollect(n) == n \in up /\ UNCHANGED vars

ReplQuarantine(n) == n \in up /\ UNCHANGED vars

ReplTrust(n) == n \in up /\ UNCHANGED vars

-----------------------------------------------------------------------------
\* Every step a simulator trace may record (trace validation checks traces against Spec).
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
        \/ \E u \in Users, from \in Nodes : AddFragment(n, u, from)
        \/ \E u \in Users, from \in Nodes : DropFragment(n, u, from)
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
        \/ \E e \in Epochs, map \in Maps, members \in MemberSets, rejoined \in BOOLEAN, changed \in UserSets :
              ReconstructSoftState(n, e, map, members, rejoined, changed)
        \/ \E from \in Nodes, reported \in UserSets, removed \in UserSets, cover \in UserSets :
              ApplyReport(n, from, reported, removed, cover)
        \/ \E u \in Users \cup {NoUser} : ReplUpdate(n, u)
        \/ \E u \in Users \cup {NoUser} : ReplApply(n, u)
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
(* The model (spec/MCPorcupineMail.tla): faults stop, the workload is      *)
(* finite, and the protocol's obligations are met fairly. ModelNext leaves *)
(* out the steps that change nothing (they are stuttering steps, allowed   *)
(* anyway), lets each node store each message once (a finite workload:     *)
(* otherwise stores and deletes may go on for ever and no map settles),    *)
(* and applies notices and reports fresh (Notify, Report): the code orders *)
(* a stale notice or report by its stamp (src/pure/soft-state/mail-map.ts),*)
(* which the spec does not model; trace validation (Next) accepts stale    *)
(* ones (a notice names a node that held the fragment; a report may also   *)
(* name a store in flight). ReplPersist of a message is left out too: it   *)
(* is a Store here, and ReplUpdate/ReplApply (a holder before the write is *)
(* durable) are traces-only. Two steps the trace does                      *)
(* not record: FaultsStop, and NoticeAck (a notice that finds the map      *)
(* already right is acknowledged without a change).                        *)

FaultsStop ==
    /\ faults
    /\ faults' = FALSE
    /\ UNCHANGED <<up, mailVars, softVars>>

NoticeAck(h, u) ==
    /\ h \in up /\ u \in notice[h]
    /\ LET n == MgrOf(h, u) IN
          /\ n \in up /\ MgrOf(n, u) = n
          /\ (h \in mmap[n][u]) = (mail[h][u] # {})
    /\ notice' = [notice EXCEPT ![h] = @ \ {u}]
    /\ UNCHANGED <<up, mailVars, mgr, mmap, epoch, owe, faults>>

\* The notice of h about u reaches the manager of h's map, which applies it (src/pure/mailbox/mailbox.ts
\* notify and onNoticeTimer retry until the manager in force acknowledges).
Notify(h, u) ==
    /\ h \in up /\ u \in notice[h]
    /\ LET n == MgrOf(h, u) IN
          IF mail[h][u] # {} THEN AddFragment(n, u, h) ELSE DropFragment(n, u, h)

\* n installs the newest view (membership's round 3 reaches it).
CatchUp(n) ==
    \E v \in Views :
        /\ \A w \in Views : w[1] <= v[1]
        /\ ReconstructSoftState(n, v[1], Fn(v[2]), v[3], FALSE, Changed(n, Fn(v[2]), FALSE))

\* h's owed report reaches manager n, which manages the users in both maps (reconstruct-node.ts
\* sendOutbound, retried until acknowledged; onSoftStateReport stashes reports of a newer view).
Report(n, h) ==
    LET cover == {u \in owe[h] : MgrOf(h, u) = n /\ MgrOf(n, u) = n}
    IN /\ h \in up /\ cover # {}
       /\ ApplyReport(n, h, {u \in cover : mail[h][u] # {}}, {u \in cover : mail[h][u] = {} /\ h \in mmap[n][u]}, cover)

\* A store of a message not stored at n before (the model's finite workload).
NewStore(n, u, m) == <<n, u>> \notin covered[m] /\ Store(n, u, m)

\* Next's ReconstructSoftState with the arguments its guards leave open (the view and `rejoined`) drawn directly.
Install(n, v, rejoined) ==
    LET map == Fn(v[2]) IN ReconstructSoftState(n, v[1], map, v[3], rejoined, Changed(n, map, rejoined))

ModelNext ==
    \/ FaultsStop
    \/ \E n \in Nodes :
          \/ Boot(n)
          \/ Crash(n)
          \/ \E lost \in BOOLEAN : Restart(n, lost)
          \/ \E u \in Users, m \in Msgs : NewStore(n, u, m)
          \/ \E u \in Users, ms \in DeleteSets : Delete(n, u, ms)
          \/ \E u \in Users, m \in Msgs : ReplPersist(n, u, m, "tombstone")
          \/ \E m \in Msgs, code \in AckCodes : Ack(n, m, code)
          \/ \E u \in Users : Notify(n, u) \/ NoticeAck(n, u)
          \/ \E v \in Views, rejoined \in BOOLEAN : Install(n, v, rejoined)
          \/ \E h \in Nodes : Report(n, h)

Fairness ==
    /\ WF_vars(FaultsStop)
    /\ \A n \in Nodes : WF_vars(Boot(n)) /\ WF_vars(CatchUp(n))
    /\ \A n, h \in Nodes : WF_vars(Report(n, h))
    /\ \A h \in Nodes, u \in Users : WF_vars(Notify(h, u)) /\ WF_vars(NoticeAck(h, u))

LiveSpec == Init /\ [][ModelNext]_vars /\ Fairness

-----------------------------------------------------------------------------
(* Properties (checked on spec/MCPorcupineMail.tla).                       *)

\* Durability: an acknowledged message is held by some node until it is deleted (or the last disk holding it
\* is lost): `acked` drops a message at its delete and at such a disk loss, nowhere else.
Durable == \A p \in acked : \E n \in Nodes : p[2] \in mail[n][p[1]]

\* A confirmed (durable) delete is never undone: mail reappears at a node only by a new Store or replicated
\* copy of it there, never by a crash, a restart, a view change or a report.
DeleteSticks ==
    [][\A n \in Nodes, u \in Users : \A m \in mail'[n][u] \ mail[n][u] :
          Store(n, u, m) \/ ReplPersist(n, u, m, "message")]_vars

\* Soft state only names nodes that hold or held the fragment (durably: in the model, reports carry durable
\* fragments; a trace's report may also name a store still in flight, see ApplyReport).
MailMapNamesHolders == \A n \in Nodes, u \in Users : mmap[n][u] \subseteq held[u]

\* Liveness: once faults stop, every manager's mail map lists exactly the nodes holding a fragment.
MailMapsMatch == <>[](\A n \in Nodes, u \in Users : MgrOf(n, u) = n => mmap[n][u] = Holders(u))
=============================================================================
