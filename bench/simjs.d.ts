// The part of SIM.JS 2.0.3 (npm `simjs`, no type declarations of its own) that bench/simjs-mmc.ts uses.
declare module "simjs" {
  interface Request {
    done(callback: () => void): Request;
  }
  class Entity {
    time(): number;
    setTimer(duration: number): Request;
  }
  class Sim {
    addEntity(klass: new (sim: Sim, name?: string) => Entity & { start(): void }): Entity;
    simulate(endTime: number, maxEvents?: number): boolean;
  }
  const simjs: { Sim: typeof Sim; Entity: typeof Entity };
  export default simjs;
}
