using System.CommandLine;
using SmartPole.Simulator;

// Ctrl+C stops publishing at once; the grace period lets QoS 1 acks arrive and poles say 'offline'.
return await SimulatorCommand.Create().Parse(args).InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = TimeSpan.FromSeconds(45) });
