/* dispatch.c — placeholder until the subcommands land. */
#include "cmd/cmd.h"

int q_cmd_main(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return 0;
}
