/* cmd.h — the quarry command line: subcommands, options, help. */
#ifndef Q_CMD_H
#define Q_CMD_H

/* Runs the whole command; returns the process exit code. */
int q_cmd_main(int argc, char **argv);

#endif
