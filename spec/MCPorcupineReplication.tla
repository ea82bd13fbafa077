------------------------ MODULE MCPorcupineReplication ------------------------
(* Small model of PorcupineReplication (MCPorcupineReplication.cfg): two   *)
(* replicas, both needed for the 250, timestamps up to 2, one store, no    *)
(* disk loss (with it, AckReplicas = 2 of 2 copies cannot survive one).    *)
EXTENDS PorcupineReplication

MCNodes == {1, 2}
MCAckReplicas == 2
MCMaxTs == 2
MCStoreRetries == FALSE
MCDiskLoss == {FALSE}
=============================================================================
