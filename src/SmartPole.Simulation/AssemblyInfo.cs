[assembly: System.Runtime.CompilerServices.InternalsVisibleTo("SmartPole.Simulation.Tests")]
