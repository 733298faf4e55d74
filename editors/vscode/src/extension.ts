// Starts `iac-fix server` (the path from the `iacFix.path` setting) for YAML, JSON and
// TypeScript files; diagnostics, quick fixes and `source.fixAll.iac-fix` come from it.
import * as vscode from 'vscode';
import {
  LanguageClient,
  LanguageClientOptions,
  ServerOptions,
  TransportKind,
} from 'vscode-languageclient/node';

let client: LanguageClient | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const command = vscode.workspace.getConfiguration('iacFix').get<string>('path', 'iac-fix');
  const serverOptions: ServerOptions = {
    command,
    args: ['server'],
    transport: TransportKind.stdio,
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { scheme: 'file', language: 'yaml' },
      { scheme: 'file', language: 'json' },
      { scheme: 'file', language: 'typescript' },
    ],
  };
  client = new LanguageClient('iacFix', 'iac-fix', serverOptions, clientOptions);
  context.subscriptions.push(
    vscode.workspace.onDidChangeConfiguration(async (e) => {
      if (e.affectsConfiguration('iacFix.path')) {
        await vscode.commands.executeCommand('workbench.action.restartExtensionHost');
      }
    }),
  );
  await client.start();
}

export async function deactivate(): Promise<void> {
  await client?.stop();
}
