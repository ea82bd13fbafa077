------------------------------ MODULE BenchRing ------------------------------
\* Benchmark model (bench/tla.ts): token-passing mutual exclusion with per-process visit counters.
\* N = 5, K = 4: 245,760 distinct states, 901,121 generated (measured with porcupine tla check).
EXTENDS Naturals

CONSTANTS N, K

VARIABLES pc, cnt, turn

vars == <<pc, cnt, turn>>

Procs == 1..N

Init == /\ pc = [p \in Procs |-> "idle"]
        /\ cnt = [p \in Procs |-> 0]
        /\ turn = 1

Request(p) == /\ pc[p] = "idle"
              /\ pc' = [pc EXCEPT ![p] = "wait"]
              /\ UNCHANGED <<cnt, turn>>

Enter(p) == /\ pc[p] = "wait"
            /\ turn = p
            /\ \A q \in Procs : pc[q] # "cs"
            /\ pc' = [pc EXCEPT ![p] = "cs"]
            /\ UNCHANGED <<cnt, turn>>

Pass(p) == /\ turn = p
           /\ pc[p] # "cs"
           /\ turn' = (p % N) + 1
           /\ UNCHANGED <<pc, cnt>>

Exit(p) == /\ pc[p] = "cs"
           /\ pc' = [pc EXCEPT ![p] = "idle"]
           /\ cnt' = [cnt EXCEPT ![p] = (@ + 1) % K]
           /\ turn' = (p % N) + 1

Next == \E p \in Procs : Request(p) \/ Enter(p) \/ Pass(p) \/ Exit(p)

Mutex == \A p, q \in Procs : p # q => ~(pc[p] = "cs" /\ pc[q] = "cs")

TypeOK == /\ pc \in [Procs -> {"idle", "wait", "cs"}]
          /\ cnt \in [Procs -> 0..(K - 1)]
          /\ turn \in Procs
=============================================================================
