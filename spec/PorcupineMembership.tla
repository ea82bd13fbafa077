------------------------- MODULE PorcupineMembership -------------------------
(***************************************************************************)
(* Porcupine's membership protocol (PORCUPINE.md "Self-management";        *)
(* DESIGN.md §4; docs/membership.md): failure detection, the three rounds  *)
(* (newGroup, accept, commit), epochs proposed from a hybrid logical clock *)
(* (docs/decisions.md "Membership epochs follow the wall clock"),          *)
(* coordinator contention, and the user map recomputed with minimal change *)
(* when a view is committed.                                               *)
(*                                                                         *)
(* The level is the simulator's trace (src/pure/trace-actions.ts): every   *)
(* action is named like a trace event and takes the acting node first, so  *)
(* a simulator trace is a behaviour of this spec through the mapping       *)
(* src/conformance/membership.ts. What the trace does not show is folded   *)
(* into nondeterminism:                                                    *)
(*  - failure detection (pings, probes, RPC timeouts) is a suspicion that  *)
(*    may come at any time (DetectChange);                                 *)
(*  - messages are not modelled one by one: a proposal that was made may   *)
(*    reach any node at any time or never (AcceptEpoch), an accept that    *)
(*    was sent may or may not count (CommitEpoch picks its members among   *)
(*    the acceptors), a committed view may reach a member or not;          *)
(*  - the Lamport clock is raised by pings the trace does not show, so a   *)
(*    proposal is "larger than" the clock the spec knows, not "one more".  *)
(* Nodes are numbers (their NodeId order, compareNodeId: n1 < n2 < n10).   *)
(* The user map has B buckets (256 in the system, a few in models: the     *)
(* trace does not carry the map, so validation runs it on a small one).    *)
(*                                                                         *)
(* Soft-state reconstruction (ReconstructSoftState, ApplyReport) and mail  *)
(* are PorcupineMail's and MailStore's; here they are steps that change    *)
(* nothing, like every other trace event (written out one by one, so an    *)
(* event at a node that is down or a misspelt name is still rejected).     *)
(***************************************************************************)
EXTENDS Naturals, FiniteSets

CONSTANTS
    N,        \* number of nodes: Nodes = 1..N
    B,        \* number of user-map buckets
    Epochs    \* the epoch numbers that may be proposed (positive naturals)

Nodes == 1..N
Buckets == 1..B

VARIABLES
    up,         \* the nodes running
    life,       \* life[n]: "new" (never booted), "up", "down" (crashed), "restarting"
    view,       \* view[n]: the view n has installed: [epoch, coord, members, map] (soft state)
    joined,     \* joined[n]: this incarnation installed a view (a fresh node serves no soft state)
    phase,      \* phase[n]: [kind |-> "idle" | "coord" | "accepted", p |-> the proposal]
    promised,   \* promised[n]: the largest proposal n accepted (or made) not covered by its view
    want,       \* want[n]: a change was detected and no view installed since (wantRound)
    clock,      \* clock[n]: a lower bound of n's Lamport clock (the epochs n's traced steps saw)
    wall,       \* wall[n]: a lower bound of n's wall clock in epoch units; survives crashes
    props,      \* history: every proposal made (round 1 went out)
    acc,        \* history: every accept sent (round 2): [node, prop, fresh, map]
    committed   \* history: every view committed (round 3): [epoch, coord, members, map, base]

vars == <<up, life, view, joined, phase, promised, want, clock, wall, props, acc, committed>>

-----------------------------------------------------------------------------
(* Proposals and views.                                                    *)

Proposals == [epoch : Epochs, coord : Nodes]
NoProp == [epoch |-> 0, coord |-> 0]
\* Proposal order (src/pure/membership/messages.ts compareProposal): epoch, then coordinator.
Less(p, q) == p.epoch < q.epoch \/ (p.epoch = q.epoch /\ p.coord < q.coord)
Idle == [kind |-> "idle", p |-> NoProp]
IdOf(v) == [epoch |-> v.epoch, coord |-> v.coord]

Max(a, b) == IF a > b THEN a ELSE b
MaxOf(S) == CHOOSE x \in S : \A y \in S : y <= x

\* Why a node asks for a round (src/pure/membership/detector.ts ChangeReason).
Reasons == {"boot", "successorSilent", "viewMismatch", "outsiderFound", "rpcTimeout", "outbid",
            "coordinatorSilent", "excluded"}

-----------------------------------------------------------------------------
(* The user map (PORCUPINE.md "State": buckets, each managed by one node;  *)
(* src/pure/user-map/reassign.ts). An entry is [node, epoch]: the manager  *)
(* and the epoch in which the bucket last moved.                           *)

Entries == [node : Nodes, epoch : Epochs \cup {0}]
Maps == [Buckets -> Entries]

\* The boot-time map: round robin over the nodes (user-map.ts initialUserMap).
InitMap == [b \in Buckets |-> [node |-> ((b - 1) % N) + 1, epoch |-> 0]]

\* Merging the maps the acceptors reported (reassign.ts mergeMaps): per bucket the entry assigned most
\* recently wins; on a tie the coordinator's own.
Merge(own, S) ==
    [b \in Buckets |->
        LET top == MaxOf({m[b].epoch : m \in S})
        IN IF own \in S /\ own[b].epoch = top THEN own[b] ELSE CHOOSE x \in {m[b] : m \in S} : x.epoch = top]

Held(old, n) == Cardinality({b \in Buckets : old[b].node = n})

\* reassign.ts bucketTargets: floor(B/|L|) each, one more for the B mod |L| nodes holding the most already
\* (ties: lower node). reassign: orphans and each node's buckets past its target (its highest) are released
\* and handed out in ascending order to the nodes under target, in node order. Moved buckets get epoch e.
Reassign(old, L, e) ==
    LET K == Cardinality(L)
        Rank(n) == Cardinality({m \in L : Held(old, m) > Held(old, n) \/ (Held(old, m) = Held(old, n) /\ m < n)})
        Target(n) == (B \div K) + (IF Rank(n) < B % K THEN 1 ELSE 0)
        Released(b) == old[b].node \notin L \/ Cardinality({c \in 1..b : old[c].node = old[b].node}) > Target(old[b].node)
        Rel == {b \in Buckets : Released(b)}
        Need(n) == Target(n) - (Held(old, n) - Cardinality({b \in Rel : old[b].node = n}))
        Before(n) == Cardinality({mj \in L \X Buckets : mj[1] < n /\ mj[2] <= Need(mj[1])})
        Idx(b) == Cardinality({c \in Rel : c < b})
        Owner(b) == CHOOSE n \in L : Before(n) <= Idx(b) /\ Idx(b) < Before(n) + Need(n)
    IN [b \in Buckets |-> IF b \in Rel THEN [node |-> Owner(b), epoch |-> e] ELSE old[b]]

\* How many buckets changed manager (reassign.ts movedCount).
Moves(a, b) == Cardinality({k \in Buckets : a[k].node # b[k].node})

\* Balanced over L: every node of L manages floor(B/|L|) or ceil(B/|L|) buckets, no one else any.
Balanced(m, L) ==
    /\ \A k \in Buckets : m[k].node \in L
    /\ \A n \in L : Held(m, n) \in {B \div Cardinality(L), (B + Cardinality(L) - 1) \div Cardinality(L)}

-----------------------------------------------------------------------------
(* The node's state at boot (src/pure/membership/state.ts                  *)
(* initialMembership): a provisional epoch-0 view, not joined.             *)

BootView(n) == [epoch |-> 0, coord |-> n, members |-> {n}, map |-> InitMap]
ViewOf(v) == [epoch |-> v.epoch, coord |-> v.coord, members |-> v.members, map |-> v.map]
Views == [epoch : Epochs \cup {0}, coord : Nodes, members : SUBSET Nodes, map : Maps]
Phases == {Idle} \cup [kind : {"coord", "accepted"}, p : Proposals]
MaxCommitted == MaxOf({v.epoch : v \in committed} \cup {0})

TypeOK ==
    /\ up \subseteq Nodes
    /\ life \in [Nodes -> {"new", "up", "down", "restarting"}]
    /\ view \in [Nodes -> Views]
    /\ joined \in [Nodes -> BOOLEAN]
    /\ phase \in [Nodes -> Phases]
    /\ promised \in [Nodes -> Proposals \cup {NoProp}]
    /\ want \in [Nodes -> BOOLEAN]
    /\ clock \in [Nodes -> Epochs \cup {0}]
    /\ wall \in [Nodes -> Epochs \cup {0}]
    /\ props \subseteq Proposals
    /\ acc \subseteq [node : Nodes, prop : Proposals, fresh : BOOLEAN, map : Maps]
    /\ committed \subseteq [epoch : Epochs, coord : Nodes, members : SUBSET Nodes, map : Maps, base : Maps]

\* The simulator starts with every node down (the nodes boot as traced Boot events).
Init ==
    /\ up = {}
    /\ life = [n \in Nodes |-> "new"]
    /\ view = [n \in Nodes |-> BootView(n)]
    /\ joined = [n \in Nodes |-> FALSE]
    /\ phase = [n \in Nodes |-> Idle]
    /\ promised = [n \in Nodes |-> NoProp]
    /\ want = [n \in Nodes |-> FALSE]
    /\ clock = [n \in Nodes |-> 0]
    /\ wall = [n \in Nodes |-> 0]
    /\ props = {}
    /\ acc = {}
    /\ committed = {}

-----------------------------------------------------------------------------
(* Node life cycle (src/sim/faults.ts; the node reducer's boot). The       *)
(* membership state is soft: a new incarnation starts from BootView.       *)

\* PORCUPINE.md "Self-management" (a node joins by starting a round); membership.ts bootMembership.
Boot(n) ==
    /\ n \notin up
    /\ life[n] \in {"new", "restarting"}
    /\ up' = up \cup {n}
    /\ life' = [life EXCEPT ![n] = "up"]
    /\ view' = [view EXCEPT ![n] = BootView(n)]
    /\ joined' = [joined EXCEPT ![n] = FALSE]
    /\ phase' = [phase EXCEPT ![n] = Idle]
    /\ promised' = [promised EXCEPT ![n] = NoProp]
    /\ want' = [want EXCEPT ![n] = FALSE]
    /\ clock' = [clock EXCEPT ![n] = 0]
    /\ UNCHANGED <<wall, props, acc, committed>>

\* A node stops (src/sim/faults.ts; the World drops its soft state): what the others' detection (PORCUPINE.md
\* "Self-management": RPC timeouts, the ping ring) will notice.
Crash(n) ==
    /\ n \in up
    /\ up' = up \ {n}
    /\ life' = [life EXCEPT ![n] = "down"]
    /\ UNCHANGED <<view, joined, phase, promised, want, clock, wall, props, acc, committed>>

\* Recorded just before the restarted node's Boot. The Lamport clock is lost with the incarnation, but the
\* wall clock is not: by the time the node can propose again it has passed every epoch committed so far
\* (a commit comes a round timeout, 400 ms, after its proposal; restarting and the start timer's jitter
\* take longer than the clocks' skew). This is what the hybrid-logical-clock proposal rule relies on
\* (docs/decisions.md; state.ts/rounds.ts becomeCoordinator: epoch = max(clock, view, promise, floor(now)) + 1).
Restart(n) ==
    /\ life[n] = "down"
    /\ life' = [life EXCEPT ![n] = "restarting"]
    /\ wall' = [wall EXCEPT ![n] = Max(@, MaxCommitted)]
    /\ UNCHANGED <<up, view, joined, phase, promised, want, clock, props, acc, committed>>

-----------------------------------------------------------------------------
(* Failure detection (PORCUPINE.md "Self-management": ping ring, probes of *)
(* non-members, RPC timeouts).                                             *)

\* An RPC to a member timed out; it is watched from now on (detector.ts onPeerSuspected). No spec state:
\* what it leads to is a DetectChange.
SuspectPeer(n, p) ==
    /\ n \in up
    /\ p \in view[n].members \ {n}
    /\ UNCHANGED vars

\* A node saw a reason for a new view and wants a round (detector.ts detectChange). Detection is a
\* nondeterministic suspicion: a silent successor, a divergent view, an outsider, a timed-out RPC or an
\* exclusion may be seen at any time (messages are lost, delayed and reordered). Two reasons end a round:
\* "outbid" (rounds.ts onNack: a node refused our proposal because it knew a larger one) and
\* "coordinatorSilent" (rounds.ts onCommitTimer: the commit of the proposal we accepted never came).
DetectChange(n, r) ==
    /\ n \in up
    /\ r = "outbid" => /\ phase[n].kind = "coord"
                       /\ \E q \in props : q # phase[n].p /\ q.epoch >= phase[n].p.epoch
    /\ r = "coordinatorSilent" => phase[n].kind = "accepted"
    /\ want' = [want EXCEPT ![n] = TRUE]
    /\ IF r \in {"outbid", "coordinatorSilent"}
          THEN /\ phase' = [phase EXCEPT ![n] = Idle]
               /\ promised' = [promised EXCEPT ![n] = NoProp]
          ELSE UNCHANGED <<phase, promised>>
    /\ UNCHANGED <<up, life, view, joined, clock, wall, props, acc, committed>>

-----------------------------------------------------------------------------
(* The three rounds (PORCUPINE.md "Self-management"; rounds.ts).           *)

\* Round 1: when the start timer fires and a change is still wanted, the node proposes an epoch larger
\* than its Lamport clock, its view's and promise's epochs, and its wall clock (the hybrid-logical-clock
\* rule of docs/decisions.md), to every node it knows (rounds.ts onStartTimer, becomeCoordinator). Its own
\* acceptance counts as the first.
ProposeEpoch(n, e) ==
    LET q == [epoch |-> e, coord |-> n]
    IN /\ n \in up
       /\ want[n]
       /\ phase[n].kind = "idle"
       /\ e > Max(Max(clock[n], view[n].epoch), Max(promised[n].epoch, wall[n]))
       /\ phase' = [phase EXCEPT ![n] = [kind |-> "coord", p |-> q]]
       /\ promised' = [promised EXCEPT ![n] = q]
       /\ want' = [want EXCEPT ![n] = FALSE]
       /\ clock' = [clock EXCEPT ![n] = e]
       /\ props' = props \cup {q}
       /\ acc' = acc \cup {[node |-> n, prop |-> q, fresh |-> ~joined[n], map |-> view[n].map]}
       /\ UNCHANGED <<up, life, view, joined, wall, committed>>

\* Coordinator contention: a coordinator that receives a larger proposal gives its own up (and accepts
\* the larger one: the AcceptEpoch that follows). rounds.ts onNewGroup.
AbandonProposal(n, e) ==
    /\ n \in up
    /\ phase[n].kind = "coord"
    /\ phase[n].p.epoch = e
    /\ \E q \in props : Less(phase[n].p, q)
    /\ phase' = [phase EXCEPT ![n] = Idle]
    /\ UNCHANGED <<up, life, view, joined, promised, want, clock, wall, props, acc, committed>>

\* Round 2: a node accepts the proposal (e, c) when its epoch number exceeds its view's and the proposal
\* is not smaller than its promise (a duplicate is answered again), and answers with its installed map
\* (none when fresh). rounds.ts onNewGroup. A refusal is a DropStale (and a nack).
AcceptEpoch(n, e, c) ==
    LET q == [epoch |-> e, coord |-> c]
    IN /\ n \in up
       /\ c # n
       /\ q \in props
       /\ e > view[n].epoch
       /\ ~Less(q, promised[n])
       /\ phase[n].kind # "coord"
       /\ phase' = [phase EXCEPT ![n] = [kind |-> "accepted", p |-> q]]
       /\ promised' = [promised EXCEPT ![n] = q]
       /\ clock' = [clock EXCEPT ![n] = Max(@, e)]
       /\ acc' = acc \cup {[node |-> n, prop |-> q, fresh |-> ~joined[n], map |-> view[n].map]}
       /\ UNCHANGED <<up, life, view, joined, want, wall, props, committed>>

\* The maps that the acceptors in M reported for q, fresh ones excluded (their map means nothing).
Reported(q, M) == {a.map : a \in {x \in acc : x.prop = q /\ x.node \in M /\ ~x.fresh}}

\* Round 3: when the round timer fires (round 2 closes), the members are the nodes whose accepts arrived;
\* the coordinator merges their maps, recomputes the user map with minimal change and sends the view to
\* every member. rounds.ts onRoundTimer; reassign.ts mergeMaps, reassign. The coordinator installs it
\* itself in the same step (the InstallView that follows).
CommitEpoch(n, e, M) ==
    LET q == [epoch |-> e, coord |-> n]
        S == Reported(q, M)
        ownAcc == {a \in acc : a.node = n /\ a.prop = q /\ ~a.fresh}
        own == IF ownAcc = {} THEN view[n].map ELSE (CHOOSE a \in ownAcc : TRUE).map
        base == IF S = {} THEN view[n].map ELSE Merge(own, S)
    IN /\ n \in up
       /\ phase[n] = [kind |-> "coord", p |-> q]
       /\ n \in M
       /\ \A m \in M \ {n} : \E a \in acc : a.node = m /\ a.prop = q
       /\ committed' = committed \cup {[epoch |-> e, coord |-> n, members |-> M, map |-> Reassign(base, M, e), base |-> base]}
       /\ phase' = [phase EXCEPT ![n] = Idle]
       /\ UNCHANGED <<up, life, view, joined, promised, want, clock, wall, props, acc>>

\* A node installs a committed view that lists it and whose epoch number exceeds its own view's; a fresh
\* incarnation only a view it accepted (rounds.ts onCommit, install). The coordinator's own install, and
\* a commit re-sent to a member seen behind (detector.ts onPeerView), are the same step. A round this view
\* covers ends; a larger promise stays.
InstallView(n, e, M) ==
    /\ n \in up
    /\ n \in M
    /\ e > view[n].epoch
    /\ \E v \in committed :
          LET id == IdOf(v)
          IN /\ v.epoch = e
             /\ v.members = M
             /\ joined[n] \/ promised[n] = id
             /\ view' = [view EXCEPT ![n] = ViewOf(v)]
             /\ promised' = [promised EXCEPT ![n] = IF Less(id, @) THEN @ ELSE NoProp]
             /\ phase' = [phase EXCEPT ![n] = IF @.kind # "idle" /\ ~Less(id, @.p) THEN Idle ELSE @]
    /\ joined' = [joined EXCEPT ![n] = TRUE]
    /\ want' = [want EXCEPT ![n] = FALSE]
    /\ clock' = [clock EXCEPT ![n] = Max(@, e)]
    /\ UNCHANGED <<up, life, wall, props, acc, committed>>

\* A stale or outbid membership message was ignored (rounds.ts dropStale): nothing changes.
DropStale(n) == n \in up /\ UNCHANGED vars

-----------------------------------------------------------------------------
(* Every other trace event changes nothing here (soft-state reconstruction *)
(* is PorcupineMail's, durable mail MailStore's).                          *)

\* A step of a running node that changes nothing here.
Unchanged(n) == n \in up /\ UNCHANGED vars

Ready(n) == Unchanged(n)
AcceptRcpt(n) == Unchanged(n)
RejectRcpt(n) == Unchanged(n)
Store(n) == Unchanged(n)
StoreDuplicate(n) == Unchanged(n)
Deliver(n) == Unchanged(n)
Ack(n) == Unchanged(n)
AddFragment(n) == Unchanged(n)
DropFragment(n) == Unchanged(n)
Delete(n) == Unchanged(n)
SetProfile(n) == Unchanged(n)
Authenticate(n) == Unchanged(n)
AuthFail(n) == Unchanged(n)
List(n) == Unchanged(n)
Retrieve(n) == Unchanged(n)
Quit(n) == Unchanged(n)
Timeout(n) == Unchanged(n)
Drop(n) == Unchanged(n)
ReconstructSoftState(n) == Unchanged(n)
ApplyReport(n) == Unchanged(n)
ReplPersist(n) == Unchanged(n)
ReplUpdate(n) == Unchanged(n)
ReplApply(n) == Unchanged(n)
ReplIgnore(n) == Unchanged(n)
ReplDurable(n) == Unchanged(n)
ReplRetire(n) == Unchanged(n)
ReplTakeover(n) == Unchanged(n)
ReplExpire(n) == Unchanged(n)
ReplCollect(n) == Unchanged(n)
ReplQuarantine(n) == Unchanged(n)
ReplTrust(n) == Unchanged(n)

\* Membership and life-cycle steps; the events of other protocols come after.
MembershipNext(n) ==
    \/ Boot(n)
    \/ Crash(n)
    \/ Restart(n)
    \/ \E p \in Nodes : SuspectPeer(n, p)
    \/ \E r \in Reasons : DetectChange(n, r)
    \/ \E e \in Epochs : ProposeEpoch(n, e)
    \/ \E e \in Epochs : AbandonProposal(n, e)
    \/ \E e \in Epochs, c \in Nodes : AcceptEpoch(n, e, c)
    \/ \E e \in Epochs, M \in SUBSET Nodes : CommitEpoch(n, e, M)
    \/ \E e \in Epochs, M \in SUBSET Nodes : InstallView(n, e, M)
    \/ DropStale(n)

Next ==
    \E n \in Nodes :
        \/ MembershipNext(n)
        \/ Ready(n) \/ AcceptRcpt(n) \/ RejectRcpt(n) \/ Store(n) \/ StoreDuplicate(n) \/ Deliver(n)
        \/ Ack(n) \/ AddFragment(n) \/ DropFragment(n) \/ Delete(n) \/ SetProfile(n) \/ Authenticate(n)
        \/ AuthFail(n) \/ List(n) \/ Retrieve(n) \/ Quit(n) \/ Timeout(n) \/ Drop(n)
        \/ ReconstructSoftState(n) \/ ApplyReport(n)
        \/ ReplPersist(n) \/ ReplUpdate(n) \/ ReplApply(n) \/ ReplIgnore(n) \/ ReplDurable(n) \/ ReplRetire(n)
        \/ ReplTakeover(n) \/ ReplExpire(n) \/ ReplCollect(n) \/ ReplQuarantine(n) \/ ReplTrust(n)

Spec == Init /\ [][Next]_vars

-----------------------------------------------------------------------------
(* Once faults stop (the model's liveness; MCPorcupineMembership.tla):     *)
(* no crash or restart, no message loss, and the timers' relationships of  *)
(* src/pure/membership/limits.ts hold: a round's timer outlasts a request  *)
(* and its answer, detection takes longer than a round, and the jitter of  *)
(* the start timer lets one proposer run alone.                            *)

\* q would be refused by m (rounds.ts onNewGroup's stale test).
Refuses(m, q) == view[m].epoch >= q.epoch \/ Less(q, promised[m])
Accepted(m, q) == \E a \in acc : a.node = m /\ a.prop = q
\* A committed view n could install now.
Installable(n) ==
    \E v \in committed : n \in v.members /\ v.epoch > view[n].epoch /\ (joined[n] \/ promised[n] = IdOf(v))
\* No round under way and no commit on its way anywhere.
Quiet == \A m \in up : phase[m].kind = "idle" /\ ~Installable(m)
\* What a detector sees once messages flow: n is fresh, its view misses a running node or lists a
\* stopped one, or another running node holds a different view.
Diverged(n) == ~joined[n] \/ view[n].members # up \/ \E m \in up : view[m] # view[n]

CalmDetect(n, r) ==
    /\ DetectChange(n, r)
    /\ CASE r = "outbid" -> \E m \in up \ {n} : Refuses(m, phase[n].p)
         [] r = "coordinatorSilent" ->
              LET p == phase[n].p
              IN /\ ~(p.coord \in up /\ phase[p.coord] = [kind |-> "coord", p |-> p])
                 /\ ~Installable(n)
         [] OTHER -> Quiet /\ ~want[n] /\ Diverged(n)

\* The jitter let this proposer run alone, and the nacks taught it the largest epoch about.
CalmPropose(n, e) ==
    /\ \A m \in up : phase[m].kind = "idle"
    /\ e = 1 + MaxOf({q.epoch : q \in props} \cup {0})
    /\ ProposeEpoch(n, e)

\* Only proposals still being coordinated by a running node reach anyone.
CalmAccept(n, e, c) ==
    /\ c \in up
    /\ phase[c] = [kind |-> "coord", p |-> [epoch |-> e, coord |-> c]]
    /\ AcceptEpoch(n, e, c)

\* Round 2 closes after every running node answered (accepted or refused).
CalmCommit(n) ==
    /\ phase[n].kind = "coord"
    /\ \A m \in up \ {n} : Accepted(m, phase[n].p) \/ Refuses(m, phase[n].p)
    /\ CommitEpoch(n, phase[n].p.epoch, {n} \cup {m \in up : Accepted(m, phase[n].p)})

CalmNext ==
    \E n \in Nodes :
        \/ \E r \in Reasons : CalmDetect(n, r)
        \/ \E e \in Epochs : CalmPropose(n, e)
        \/ \E e \in Epochs : AbandonProposal(n, e)
        \/ \E e \in Epochs, c \in Nodes : CalmAccept(n, e, c)
        \/ CalmCommit(n)
        \/ \E e \in Epochs, M \in SUBSET Nodes : InstallView(n, e, M)

-----------------------------------------------------------------------------
(* Properties (checked on MCPorcupineMembership).                          *)

\* One view per epoch: an epoch is identified by its number and coordinator (messages.ts ViewId: two
\* partitions may commit one number under different coordinators), and each is committed at most once.
OneViewPerEpoch ==
    \A v, w \in committed : IdOf(v) = IdOf(w) => v = w

\* Round 3 only after round 2: every member of a committed view accepted its proposal.
MembersAccepted ==
    \A v \in committed : \A m \in v.members : Accepted(m, IdOf(v))

\* A joined node holds a committed view that lists it.
ViewsCommitted ==
    \A n \in up : joined[n] => /\ n \in view[n].members
                               /\ \E v \in committed : ViewOf(v) = view[n]

\* The user map of every view is balanced over its members and moves as few buckets as any balanced map.
MapsMinimal ==
    \A v \in committed :
        /\ Balanced(v.map, v.members)
        /\ \A m \in [Buckets -> v.members] :
              Balanced([k \in Buckets |-> [node |-> m[k], epoch |-> 0]], v.members)
                  => Moves(v.base, v.map) <= Cardinality({k \in Buckets : v.base[k].node # m[k]})

\* A running node's installed epoch never decreases.
EpochsGrow == [][\A n \in up \cap up' : view'[n].epoch >= view[n].epoch]_vars

\* Liveness once faults stop: every running node holds the same view, listing exactly the running nodes.
ViewsAgree == \A m, n \in up : joined[n] /\ view[m] = view[n] /\ view[n].members = up
=============================================================================
