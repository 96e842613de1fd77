// The `sidelane` command. The only module that touches the process (argv, stdout, exit code).
import { Command } from 'commander';
import { registerControllerCommand } from './controller-command.js';
import { registerEchoCommand } from './echo-command.js';
import { registerExplainCommand } from './explain-command.js';
import { registerGatewayCommand } from './gateway-command.js';
import { registerInjectCommand } from './inject-command.js';
import { registerInjectorCommand } from './injector-command.js';
import { registerIptablesCommand } from './iptables-command.js';
import { registerDemoCommand } from './demo-command.js';
import { registerProxyCommand } from './proxy-command.js';
import { registerRunCommand } from './run-command.js';
import { registerTranslateCommand } from './translate-command.js';
import type { CliIo } from './io.js';

const io: CliIo = {
  out: (text) => process.stdout.write(text.endsWith('\n') ? text : `${text}\n`),
  err: (text) => process.stderr.write(text.endsWith('\n') ? text : `${text}\n`),
  exitCode: (code) => {
    process.exitCode = code;
  },
  env: process.env,
  untilShutdown: () =>
    new Promise((resolve) => {
      const stop = (signal: NodeJS.Signals): void => {
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
        resolve(signal);
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    }),
};

const program = new Command('sidelane')
  .description('Sidelane: a Kubernetes service mesh that does what the Gateway API says')
  .version('0.1.0')
  .showHelpAfterError();

registerTranslateCommand(program, io);
registerExplainCommand(program, io);
registerEchoCommand(program, io);
registerRunCommand(program, io);
registerDemoCommand(program, io);
registerControllerCommand(program, io);
registerProxyCommand(program, io);
registerGatewayCommand(program, io);
registerInjectCommand(program, io);
registerInjectorCommand(program, io);
registerIptablesCommand(program, io);

await program.parseAsync(process.argv);
