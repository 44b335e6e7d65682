// expect: 1 1
// Qiskit's earlier switch form (SWITCH_CASE_V1): case labels with a colon and a break after each.
OPENQASM 3.0;
include "stdgates.inc";
bit _bit0;
bit out;
int switch_dummy;
qubit _qubit0;
qubit _qubit1;
x _qubit0;
_bit0 = measure _qubit0;
switch_dummy = _bit0;
switch (switch_dummy) {
  case 1: {
    x _qubit1;
  }
  break;
  case 0: {
    z _qubit1;
  }
  break;
}
out = measure _qubit1;
