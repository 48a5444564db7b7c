// Preloaded into the CLI by the lifecycle tests (`node --import tsx --import <this> cli up …`):
// on SIGUSR2 the process fails the way a bug would — an uncaught exception, or with
// EP_CRASH=rejection an unhandled promise rejection — outside any request.
process.on("SIGUSR2", () => {
  if (process.env.EP_CRASH === "rejection") void Promise.reject(new Error("edgeparity test: unhandled rejection on SIGUSR2"));
  else
    setImmediate(() => {
      throw new Error("edgeparity test: uncaught exception on SIGUSR2");
    });
});
