---------------------------- MODULE MCMailStore ----------------------------
(***************************************************************************)
(* A small model of MailStore for `porcupine tla check` (MCMailStore.cfg): *)
(* two nodes, two users, one message id, an Ack that succeeds or not, and  *)
(* deletes of any set of ids.                                              *)
(* Distinct states: `up` is any subset of Nodes (Boot and Crash toggle one *)
(* node without touching mail), and every (node, user, message) triple is  *)
(* independently in one of three situations: never stored, stored and held,*)
(* stored then deleted. So 2^|Nodes| * 3^(|Nodes|*|Users|*|Msgs|) =        *)
(* 4 * 3^4 = 324 (test/spec/spec-check.test.ts asserts it).                *)
(***************************************************************************)
EXTENDS MailStore

MCNodes == {"n1", "n2"}
MCUsers == {"u1", "u2"}
MCMsgs == {"m1"}
MCAckCodes == {250, 451}
MCAckReplicas == 1
MCDeleteSets == SUBSET MCMsgs
=============================================================================
