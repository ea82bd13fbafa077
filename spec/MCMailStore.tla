---------------------------- MODULE MCMailStore ----------------------------
(***************************************************************************)
(* A small model of MailStore for `porcupine tla check` (MCMailStore.cfg): *)
(* two nodes, two users, one message id, an Ack that succeeds or not, and  *)
(* deletes of any set of ids.                                              *)
(* Distinct states: `up` is any subset of Nodes (Boot and Crash toggle one *)
(* node without touching mail), and every (node, user, message) triple is  *)
(* independently in one of four situations: never stored; stored and held;  *)
(* stored then gone (Delete, tombstone, disk loss); only a tombstone there. *)
(* So 2^|Nodes| * 4^(|Nodes|*|Users|*|Msgs|) = 4 * 4^4 = 1024              *)
(* (test/spec/spec-check.test.ts asserts it).                              *)
(***************************************************************************)
EXTENDS MailStore

MCNodes == {"n1", "n2"}
MCUsers == {"u1", "u2"}
MCMsgs == {"m1"}
MCAckCodes == {250, 451}
MCAckReplicas == 1
MCDeleteSets == SUBSET MCMsgs
=============================================================================
