------------------------------ MODULE ByNameBump ------------------------------
\* Own regression case (issue 10, "wrong numbers"): an operator parameter bound to a variable and primed
\* inside the operator (Bump(v) == v' = v + 1, called as Bump(x)) means x' = x + 1, as TLC substitutes
\* arguments by name; a CONSTRAINT bounds the search. Counts derived by hand in cases.json.
EXTENDS Naturals

VARIABLES x, y

Init == x = 0 /\ y = 0

Bump(v) == v' = v + 1
Keep(v) == UNCHANGED v

Next == (Bump(x) /\ Keep(y)) \/ (Bump(y) /\ Keep(x))

Bounded == x <= 1 /\ y <= 1
=============================================================================
