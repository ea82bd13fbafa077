------------------------ MODULE MCPorcupineMembership ------------------------
(***************************************************************************)
(* A small model of PorcupineMembership (MCPorcupineMembership.cfg): a few *)
(* nodes, a few buckets, epochs up to MaxEpoch. Faults (crashes, restarts, *)
(* suspicions at any time, lost messages, contention) happen until         *)
(* FaultsStop; afterwards the steps are the spec's CalmNext, under weak    *)
(* fairness, and every running node must end up with the same view.       *)
(* While faults last, proposals stay below MaxEpoch: the last epoch is     *)
(* kept for the round that settles things once they stop, and at most    *)
(* MaxCrashes crashes happen (each followed by a restart or not). The events of *)
(* other protocols (Store, Ack, ...) are left out of MCNext: they change  *)
(* nothing here (stuttering steps), and would only multiply the steps the *)
(* checker tries.                                                          *)
(***************************************************************************)
EXTENDS PorcupineMembership

CONSTANTS MaxEpoch, MaxCrashes

VARIABLES faults, crashes

mcvars == <<vars, faults, crashes>>

MCInit == Init /\ faults = TRUE /\ crashes = 0

FaultsStop == faults /\ faults' = FALSE /\ UNCHANGED <<vars, crashes>>

MCNext ==
    \/ /\ faults
       /\ \E n \in Nodes : MembershipNext(n)
       /\ \A q \in props' : q.epoch < MaxEpoch
       /\ crashes' = crashes + Cardinality(up \ up')
       /\ crashes' <= MaxCrashes
       /\ UNCHANGED faults
    \/ ~faults /\ CalmNext /\ UNCHANGED <<faults, crashes>>
    \/ FaultsStop

\* Weak fairness of every calm step of every node (each kind on its own).
CalmFairness ==
    \A n \in Nodes :
        /\ WF_mcvars(~faults /\ (\E r \in Reasons : CalmDetect(n, r)) /\ UNCHANGED <<faults, crashes>>)
        /\ WF_mcvars(~faults /\ (\E e \in Epochs : CalmPropose(n, e)) /\ UNCHANGED <<faults, crashes>>)
        /\ WF_mcvars(~faults /\ (\E e \in Epochs : AbandonProposal(n, e)) /\ UNCHANGED <<faults, crashes>>)
        /\ WF_mcvars(~faults /\ (\E e \in Epochs, c \in Nodes : CalmAccept(n, e, c)) /\ UNCHANGED <<faults, crashes>>)
        /\ WF_mcvars(~faults /\ CalmCommit(n) /\ UNCHANGED <<faults, crashes>>)
        /\ WF_mcvars(~faults /\ (\E e \in Epochs, M \in SUBSET Nodes : InstallView(n, e, M)) /\ UNCHANGED <<faults, crashes>>)

MCSpec == MCInit /\ [][MCNext]_mcvars /\ WF_mcvars(FaultsStop) /\ CalmFairness

\* Once faults stop, all views agree for good.
ViewsConverge == <>[]ViewsAgree
=============================================================================
