// expect: 1
// A switch on one measured bit, as Qiskit's exporter writes it (switch_dummy, case 1 / case 0).
OPENQASM 3.0;
include "stdgates.inc";
bit _bit0;
int switch_dummy;
qubit _qubit0;
qubit _qubit1;
x _qubit1;
_bit0 = measure _qubit1;
switch_dummy = _bit0;
switch (switch_dummy) {
  case 1 {
    x _qubit0;
  }
  case 0 {
    z _qubit0;
  }
}
_bit0 = measure _qubit0;
