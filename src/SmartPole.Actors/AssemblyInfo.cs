[assembly: System.Runtime.CompilerServices.InternalsVisibleTo("SmartPole.Actors.Tests")]
