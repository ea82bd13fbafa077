--------------------------- MODULE MCPorcupineMail ---------------------------
(***************************************************************************)
(* A small model of PorcupineMail for `porcupine tla check`                *)
(* (MCPorcupineMail.cfg): two nodes, two users, one message id, three      *)
(* views. The boot-time map gives u1 to n1 and u2 to n2; view 1 moves u2   *)
(* to n1 (u1's entry is unchanged: only a node that just joined reports    *)
(* it); view 2, the last, re-stamps both buckets and gives u1 to n2, as    *)
(* the view after a restart re-stamps the restarted node's buckets.        *)
(* Crashes, disk loss and message reordering happen until FaultsStop or    *)
(* until a node installs the last view.                                    *)
(***************************************************************************)
EXTENDS PorcupineMail

MCNodes == {"n1", "n2"}
MCUsers == {"u1"}
MCMsgs == {"m1"}
MCAckCodes == {250}
MCAckReplicas == 1
MCDeleteSets == SUBSET MCMsgs
MCUserSets == SUBSET MCUsers
MCInitMap == {<<n, "u1", <<"n1", 0>>>> : n \in MCNodes}
MCViews == {
    <<1, {<<"u1", <<"n1", 0>>>>}, MCNodes>>,
    <<2, {<<"u1", <<"n2", 2>>>>}, MCNodes>>
}
MCLastEpoch == 2
=============================================================================
