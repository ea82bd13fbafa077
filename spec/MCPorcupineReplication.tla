------------------------ MODULE MCPorcupineReplication ------------------------
(* Small model of PorcupineReplication (MCPorcupineReplication.cfg): two   *)
(* replicas, both needed for the 250, timestamps up to 2.                  *)
EXTENDS PorcupineReplication

MCNodes == {1, 2}
MCAckReplicas == 2
MCMaxTs == 2
=============================================================================
