----------------------------- MODULE CounterPair -----------------------------
\* Own back-end case: two bounded counters, used with three cfgs (see cases.json for hand-derived counts).
EXTENDS Naturals

VARIABLES a, b

vars == <<a, b>>

Init == a = 0 /\ b = 0

IncA == a < 2 /\ a' = a + 1 /\ UNCHANGED b
IncB == b < 2 /\ b' = b + 1 /\ UNCHANGED a

Next == IncA \/ IncB

Spec == Init /\ [][Next]_vars /\ WF_vars(IncA)

SumSmall == a + b < 3

AFull == <>(a = 2)
BFull == <>(b = 2)
=============================================================================
