[assembly: System.Runtime.CompilerServices.InternalsVisibleTo("SmartPole.Simulator.Tests")]
