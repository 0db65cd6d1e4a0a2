/* main.c — the quarry command: everything else lives in libquarry.a. */
#include "cmd/cmd.h"

int main(int argc, char **argv)
{
	return q_cmd_main(argc, argv);
}
