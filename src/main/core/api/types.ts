import type { MethodArgs, MethodName, MethodOutput } from '../../../shared/contract/index.ts';

export type Handler<M extends MethodName> = (args: MethodArgs<M>) => Promise<MethodOutput<M>> | MethodOutput<M>;
export type Handlers<K extends MethodName> = { [M in K]: Handler<M> };
export type StationApi = Handlers<MethodName>;

/** How a host turns an image id into a URL its renderer can load (custom protocol or HTTP path). */
export interface MediaUrls {
  thumb(id: string): string;
  full(id: string): string;
}
