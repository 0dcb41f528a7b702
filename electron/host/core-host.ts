/**
 * The worker-thread side of the core process: turns messages into CoreService calls, and
 * the service's results, progress and lock-state changes into messages.
 */
import { CoreService } from './core-service';
import { sharedCancelSignal } from './operation';
import type { CoreArgs, FromCore, ToWorker } from './messages';

export class CoreHost {
  readonly service: CoreService;

  constructor(args: CoreArgs, private readonly post: (message: FromCore) => void) {
    this.service = new CoreService({
      vaultPath: args.vaultPath,
      ...(args.nativeBinding ? { nativeBinding: args.nativeBinding } : {}),
      onStateChange: (state) => this.post({ type: 'state', ...state }),
    });
  }

  handle(message: ToWorker): void {
    if (message.type === 'lock') {
      void this.service.lock(message.reason);
      return;
    }
    const { id, channel, operationId } = message;
    const signal = sharedCancelSignal(message.cancel);
    void this.service
      .invoke(channel, message.request, {
        ...(message.file !== undefined ? { file: message.file } : {}),
        signal,
        ...(operationId ? { onProgress: (p) => this.post({ type: 'progress', operationId, channel, ...p }) } : {}),
      })
      .then((result) => this.post({ type: 'result', id, result }));
  }
}
