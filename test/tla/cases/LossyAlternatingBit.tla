--------------------------- MODULE LossyAlternatingBit ---------------------------
\* The alternating-bit protocol over lossy queues of Lamport's Specifying Systems (ASCII, with the
\* MC module's SeqConstraint at queue length 2): the public spec of issue 10's "wrong numbers", where TLC
\* counts 240 distinct states and 1,392 generated (Data = {d1, d2}). Lose(q) primes its parameter.
EXTENDS Naturals, Sequences
CONSTANTS Data
VARIABLES msgQ, ackQ, sBit, sAck, rBit, sent, rcvd
ABInit == /\ msgQ = << >>
          /\ ackQ = << >>
          /\ sBit \in {0, 1}
          /\ sAck = sBit
          /\ rBit = sBit
          /\ sent \in Data
          /\ rcvd \in Data
SndNewValue(d) ==
  /\ sAck = sBit
  /\ sent' = d
  /\ sBit' = 1 - sBit
  /\ msgQ' = Append(msgQ, <<sBit', d>>)
  /\ UNCHANGED <<ackQ, sAck, rBit, rcvd>>
ReSndMsg ==
  /\ sAck # sBit
  /\ msgQ' = Append(msgQ, <<sBit, sent>>)
  /\ UNCHANGED <<ackQ, sBit, sAck, rBit, sent, rcvd>>
RcvMsg ==
  /\ msgQ # <<>>
  /\ msgQ' = Tail(msgQ)
  /\ rBit' = Head(msgQ)[1]
  /\ rcvd' = Head(msgQ)[2]
  /\ UNCHANGED <<ackQ, sBit, sAck, sent>>
SndAck == /\ ackQ' = Append(ackQ, rBit)
          /\ UNCHANGED <<msgQ, sBit, sAck, rBit, sent, rcvd>>
RcvAck == /\ ackQ # << >>
          /\ ackQ' = Tail(ackQ)
          /\ sAck' = Head(ackQ)
          /\ UNCHANGED <<msgQ, sBit, rBit, sent, rcvd>>
Lose(q) ==
   /\ q # << >>
   /\ \E i \in 1..Len(q) :
          q' = [j \in 1..(Len(q)-1) |-> IF j < i THEN q[j] ELSE q[j+1] ]
   /\ UNCHANGED <<sBit, sAck, rBit, sent, rcvd>>
LoseMsg == Lose(msgQ) /\ UNCHANGED ackQ
LoseAck == Lose(ackQ) /\ UNCHANGED msgQ
ABNext == \/ \E d \in Data : SndNewValue(d)
          \/ ReSndMsg \/ RcvMsg \/ SndAck \/ RcvAck
          \/ LoseMsg \/ LoseAck
SeqConstraint == /\ Len(msgQ) <= 2
                 /\ Len(ackQ) <= 2
=============================================================================
